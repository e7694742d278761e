//! The few DOM questions the HTML and EPUB converters ask of an
//! `RcDom` tree (html5ever's for pages, xml5ever's for EPUB's XML files),
//! all answered without recursion.

use markup5ever_rcdom::{Handle, NodeData};

/// Every node under `root` (itself included) in document order.
pub fn descendants(root: &Handle) -> impl Iterator<Item = Handle> {
    let mut stack = vec![root.clone()];
    std::iter::from_fn(move || {
        let node = stack.pop()?;
        stack.extend(node.children.borrow().iter().rev().cloned());
        Some(node)
    })
}

/// An element's local name (HTML names come lower-cased; XML keeps case).
pub fn element_name(node: &Handle) -> Option<&str> {
    match &node.data {
        NodeData::Element { name, .. } => Some(&name.local),
        _ => None,
    }
}

/// Whether `node` is an element named `name`, in any case.
pub fn is(node: &Handle, name: &str) -> bool {
    element_name(node).is_some_and(|n| n.eq_ignore_ascii_case(name))
}

/// An attribute by name, in any case, with or without a namespace prefix
/// (`epub:type` answers for `type`: the HTML parser keeps the prefix in
/// the name).
pub fn attr(node: &Handle, key: &str) -> Option<String> {
    match &node.data {
        NodeData::Element { attrs, .. } => attrs.borrow().iter().find_map(|a| {
            let name: &str = &a.name.local;
            let name = name.rsplit(':').next().unwrap_or(name);
            name.eq_ignore_ascii_case(key).then(|| a.value.to_string())
        }),
        _ => None,
    }
}

/// All text under `node`, as written (no collapsing).
pub fn text_content(node: &Handle) -> String {
    let mut out = String::new();
    for n in descendants(node) {
        if let NodeData::Text { contents } = &n.data {
            out.push_str(&contents.borrow());
        }
    }
    out
}
