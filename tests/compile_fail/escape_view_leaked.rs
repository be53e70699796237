// Soundness rule 1: a view of a scope's array cannot outlive the scope,
// even when the array itself is not a local of the closure. Here the
// `PtrArray<'s, ..>` handle is leaked, so the borrow of it could last
// forever, but the view it gives is still bounded by the scope's lifetime
// `'s` (the element memory is freed when the scope ends), and `'s` cannot
// leave the closure. If it compiled, `v` would read freed memory.

use bumper::{ArrayView, Buffer, SlabBuffer};

fn main() {
    let buf = SlabBuffer::<4096>::new();
    let v: ArrayView<'_, f64, 1> = buf.no_escape(|s| {
        let a = Box::leak(Box::new(s.alloc_filled([2], 1.0_f64)));
        a.view()
    });
    println!("{}", v[[0]]);
}
