//! The FSRS-5 memory model (Free Spaced Repetition Scheduler, by Open
//! Spaced Repetition) with its published default parameters: how
//! difficulty and stability change with each answer, and the interval
//! that keeps recall at 90 %.
//!
//! Why our own and not a crate's: `fsrs` (BSD-3, the one Anki uses) took
//! 68 s to build here and brings ~30 crates (ndarray, rayon, rand) for an
//! optimiser we do not use; `rs-fsrs` (MIT, 9 s) has these formulas, but
//! each call recomputes its constants and the term shared by the three
//! "remembered" answers, which made replaying 100,000 answers cost 34 ms
//! of the 50 ms the review may take to open. Here the constants are
//! computed once and the shared term once per answer, with the same
//! floating-point operations in the same order, so the results are
//! bit-for-bit rs-fsrs's: the tests compare every formula with it (a
//! dev-dependency), and replay with its scheduler.

/// The FSRS-5 default parameters `w0`–`w18`.
pub const DEFAULT_W: [f64; 19] = [
    0.4072, 1.1829, 3.1262, 15.4722, 7.2102, 0.5316, 1.0651, 0.0234, 1.616, 0.1544, 1.0824, 1.9813,
    0.0953, 0.2975, 2.2042, 0.2407, 2.9466, 0.5034, 0.6567,
];

/// The forgetting curve's exponent.
pub const DECAY: f64 = -0.5;
/// Makes recall 90 % after `stability` days: 0.9^(1/DECAY) - 1.
pub const FACTOR: f64 = 19.0 / 81.0;
/// The recall we schedule for.
pub const DESIRED_RETENTION: f64 = 0.9;
/// The longest interval, in days (a hundred years).
pub const MAX_INTERVAL: f64 = 36_500.0;

/// The model with its constants worked out once. Ratings are 1 (again)
/// to 4 (easy); callers pass only those.
#[derive(Debug, Clone)]
pub struct Model {
    w: [f64; 19],
    /// exp(w8).
    exp_w8: f64,
    /// D0(easy), the target of mean reversion.
    init_d_easy: f64,
    /// D0 per rating.
    init_d: [f64; 4],
    /// The short-term stability factor exp(w17 (G - 3 + w18)) per rating.
    short_term: [f64; 4],
    /// DESIRED_RETENTION^(1/DECAY) - 1.
    retention_term: f64,
}

impl Default for Model {
    fn default() -> Self {
        Self::new(DEFAULT_W)
    }
}

impl Model {
    pub fn new(w: [f64; 19]) -> Self {
        let init_d = |g: f64| (w[4] - f64::exp(w[5] * (g - 1.0)) + 1.0).clamp(1.0, 10.0);
        let short = |g: f64| f64::exp(w[17] * (g - 3.0 + w[18]));
        Self {
            w,
            exp_w8: w[8].exp(),
            init_d_easy: init_d(4.0),
            init_d: [init_d(1.0), init_d(2.0), init_d(3.0), init_d(4.0)],
            short_term: [short(1.0), short(2.0), short(3.0), short(4.0)],
            retention_term: DESIRED_RETENTION.powf(1.0 / DECAY) - 1.0,
        }
    }

    fn at(table: &[f64; 4], rating: u8) -> f64 {
        table[usize::from(rating.clamp(1, 4) - 1)]
    }

    /// Recall probability after `elapsed_days` at `stability`.
    pub fn forgetting_curve(elapsed_days: f64, stability: f64) -> f64 {
        (1.0 + FACTOR * elapsed_days / stability).powf(DECAY)
    }

    /// S0: the stability after the first answer.
    pub fn init_stability(&self, rating: u8) -> f64 {
        self.w[usize::from(rating.clamp(1, 4) - 1)].max(0.1)
    }

    /// D0: the difficulty after the first answer.
    pub fn init_difficulty(&self, rating: u8) -> f64 {
        Self::at(&self.init_d, rating)
    }

    /// Days until recall falls to the desired retention, whole, 1 or more.
    pub fn next_interval(&self, stability: f64) -> f64 {
        (stability / FACTOR * self.retention_term)
            .round()
            .clamp(1.0, MAX_INTERVAL)
    }

    /// D' = D - w6 (G - 3), reverted a little towards D0(easy).
    pub fn next_difficulty(&self, difficulty: f64, rating: u8) -> f64 {
        let next = self.w[6].mul_add(-(f64::from(rating) - 3.0), difficulty);
        self.w[7]
            .mul_add(self.init_d_easy, (1.0 - self.w[7]) * next)
            .clamp(1.0, 10.0)
    }

    /// Stability after a same-day answer (learning steps).
    pub fn short_term_stability(&self, stability: f64, rating: u8) -> f64 {
        stability * Self::at(&self.short_term, rating)
    }

    /// The part of the recall-stability increase all three "remembered"
    /// answers share: e^w8 (11 - D) S^-w9 (e^(w10 (1 - R)) - 1).
    pub fn recall_term(&self, difficulty: f64, stability: f64, retrievability: f64) -> f64 {
        self.exp_w8
            * (11.0 - difficulty)
            * stability.powf(-self.w[9])
            * (((1.0 - retrievability) * self.w[10]).exp_m1())
    }

    /// S' after a successful answer, from [`Self::recall_term`]: hard
    /// lowers the increase by w15, easy raises it by w16.
    pub fn recall_stability(&self, stability: f64, term: f64, rating: u8) -> f64 {
        let modifier = match rating {
            2 => self.w[15],
            4 => self.w[16],
            _ => 1.0,
        };
        stability * term.mul_add(modifier, 1.0)
    }

    /// S' after a lapse (again).
    pub fn forget_stability(&self, difficulty: f64, stability: f64, retrievability: f64) -> f64 {
        self.w[11]
            * difficulty.powf(-self.w[12])
            * ((stability + 1.0).powf(self.w[13]) - 1.0)
            * f64::exp((1.0 - retrievability) * self.w[14])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rs_fsrs::{Parameters, Rating};

    const RATINGS: [(u8, Rating); 4] = [
        (1, Rating::Again),
        (2, Rating::Hard),
        (3, Rating::Good),
        (4, Rating::Easy),
    ];

    #[test]
    fn known_values_of_the_published_defaults() {
        let m = Model::default();
        // S0 = w0..w3; D0(G) = w4 - e^(w5 (G - 1)) + 1.
        assert_eq!(m.init_stability(3), 3.1262);
        assert_eq!(m.init_difficulty(1), 7.2102);
        assert!((m.init_difficulty(3) - (7.2102 - (2.0 * 0.5316f64).exp() + 1.0)).abs() < 1e-12);
        // At 90 % retention the interval is the stability, rounded.
        assert_eq!(m.next_interval(15.4722), 15.0);
        assert_eq!(m.next_interval(0.2), 1.0, "at least a day");
        assert!((Model::forgetting_curve(10.0, 10.0) - 0.9).abs() < 1e-12);
    }

    /// Every formula against rs-fsrs's, bit for bit, over a grid.
    #[test]
    fn formulas_match_rs_fsrs_exactly() {
        let p = Parameters::default();
        let m = Model::default();
        for (n, r) in RATINGS {
            assert_eq!(m.init_stability(n), p.init_stability(r));
            assert_eq!(m.init_difficulty(n), p.init_difficulty(r));
        }
        for d in [1.0, 2.5, 5.0, 7.7, 10.0] {
            for s in [0.1, 0.5, 3.0, 40.0, 900.0] {
                for retrievability in [0.3, 0.7, 0.9, 0.99] {
                    let term = m.recall_term(d, s, retrievability);
                    for (n, r) in RATINGS {
                        assert_eq!(m.next_difficulty(d, n), p.next_difficulty(d, r));
                        assert_eq!(m.short_term_stability(s, n), p.short_term_stability(s, r));
                        if n > 1 {
                            assert_eq!(
                                m.recall_stability(s, term, n),
                                p.next_recall_stability(d, s, retrievability, r)
                            );
                        }
                    }
                    assert_eq!(
                        m.forget_stability(d, s, retrievability),
                        p.next_forget_stability(d, s, retrievability)
                    );
                }
                assert_eq!(m.next_interval(s), p.next_interval(s, 0));
                assert_eq!(
                    Model::forgetting_curve(d, s),
                    Parameters::forgetting_curve(d, s)
                );
            }
        }
    }
}
