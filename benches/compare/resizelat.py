"""Resize latency and CPU per resize, side by side in ptys (issue 12).

Each program runs in its own pty; the size cycles through 100x40, 120x40,
80x24, 120x40 (the comparison's sizes) and each program is resized in
turn. Latency: from the size change to the first byte of the answer and
to its last (4 ms of quiet ends it); CPU from /proc/PID/task/*/schedstat.

    N=400 python3 benches/compare/resizelat.py \
        new='target/release/marginote --data-dir /tmp/d essays/05-the-great-terror.md' \
        less='less essays/05-the-great-terror.md'
"""
import os, pty, sys, time, select, signal, struct, fcntl, termios
N=int(os.environ.get("N","300")); progs=[a.split("=",1) for a in sys.argv[1:]]
def spawn(cmd):
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"]="xterm-256color"; os.execvp("sh",["sh","-c","exec "+cmd])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH",40,120,0,0))
    t=time.time()
    while time.time()-t<1.0:
        if select.select([fd],[],[],0.05)[0]:
            try: os.read(fd,1<<16)
            except OSError: break
    return pid, fd
def cpu(pid):
    return sum(int(open(f"/proc/{pid}/task/{t}/schedstat").read().split()[0]) for t in os.listdir(f"/proc/{pid}/task"))
ps=[(n,*spawn(c)) for n,c in progs]; c0={n:cpu(p) for n,p,f in ps}; lat={n:[] for n,*_ in ps}; first={n:[] for n,*_ in ps}
for i in range(N):
    w, h = [(100,40),(120,40),(80,24),(120,40)][i%4]
    for n,p,fd in ps:
        t=time.perf_counter(); fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH",h,w,0,0)); last=None; got=None
        while True:
            r,_,_=select.select([fd],[],[],0.004 if last else 1.0)
            if not r: break
            os.read(fd,1<<16); last=time.perf_counter(); got=got or last
        lat[n].append(((last or t)-t)*1000); first[n].append(((got or t)-t)*1000); time.sleep(0.002)
import statistics
for n,p,fd in ps:
    print(n, "cpu/resize %.3f ms" % ((cpu(p)-c0[n])/N/1e6), "first byte median %.3f" % statistics.median(first[n]), "last byte median %.3f" % statistics.median(lat[n]))
    os.kill(p, int(os.environ.get("KILLSIG","9"))); time.sleep(float(os.environ.get("AFTER","0")))
