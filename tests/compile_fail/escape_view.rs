// Soundness rule 1: a view of a scope's array cannot outlive the scope.
// This is the plain form, a view of an array of a buffer scope returned
// from `buf.no_escape`. The compiler rejects it twice over: the view's
// lifetime is bounded by the scope's lifetime `'s`, which cannot leave the
// closure ("lifetime may not live long enough"), and it borrows `a`, a
// local of the closure (E0515). `escape_view_leaked.rs` removes the local
// borrow and shows that `'s` alone stops the view.

use bumper::{ArrayView, Buffer, SlabBuffer};

fn main() {
    let buf = SlabBuffer::<4096>::new();
    let v: ArrayView<'_, f64, 1> = buf.no_escape(|s| {
        let a = s.alloc_filled([2], 1.0_f64);
        a.view()
    });
    println!("{}", v[[0]]);
}
