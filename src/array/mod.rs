//! Strided N-dimensional arrays in scope memory: [`PtrArray`] (unique,
//! mutable) and [`ArrayView`] (shared, read-only, `Copy`).
//!
//! Shapes are `[usize; N]`, strides are signed element distances
//! (`[isize; N]`), and allocations are row-major (C order) unless they ask
//! for another [`Order`]. Both types
//! wrap one raw core (pointer, shape, strides); the lifetime says how long
//! the memory lives: a scope's `'s` for arrays from a scope.
//!
//! # One set of read methods for both types
//!
//! Every read-side method (shape, element access, iteration, views,
//! reductions, producing new arrays) is written once and exists on both
//! types; write-side methods are on `PtrArray` only. The read methods take
//! `&'r self` and hand out borrows of lifetime `'a`:
//!
//! - on an [`ArrayView<'a, T, N>`](ArrayView), `'a` is the view's own
//!   lifetime, so a view made from a view outlives the `&self` borrow
//!   (views are `Copy`, like `&'a [T]`);
//! - on a [`PtrArray`], the impl bounds `'r: 'a`: what you get borrows the
//!   array, as from `&'r &mut [T]`.
//!
//! ```
//! use bumper::ArrayView;
//!
//! // A view's views keep its lifetime:
//! fn first_row<'a>(m: ArrayView<'a, f64, 2>) -> ArrayView<'a, f64, 1> {
//!     m.index_axis(0, 0)
//! }
//! bumper::no_escape(|s| {
//!     let m = s.alloc_with([2, 3], |[i, j]| (3 * i + j) as f64);
//!     assert_eq!(first_row(m.view()).to_vec(), [0.0, 1.0, 2.0]);
//!     assert_eq!(m.index_axis(0, 1).sum(), 12.0); // the same methods on PtrArray
//! });
//! ```
//!
//! Rank-changing methods name the new rank `M` through [`Rank`]`<N>:`
//! [`OneLess`]`<M>` (or [`OneMore`]), with one impl per rank up to 8, so
//! the compiler infers `M`; `index_axis::<1>(..)` still works.
//!
//! One concept per module: `layout` (shape and stride arithmetic), `raw`
//! (the pointer core), `view` / `ptr_array` (the two types), `access`
//! (shape queries, element access and iteration on both), `rank` (rank
//! arithmetic), `axes` (views
//! without copying: transpose, slices and the [`s!`](crate::s) macro,
//! broadcasting), `memory_order` (row- or column-major allocations, layout
//! queries, `copy_in`), `ops` (elementwise
//! operations and operators), `reduce` (sums and other reductions), `iter`,
//! `fmt` (Debug, Display, equality), and behind features `approx_eq` and
//! `serialize`.

/// Writes read-side methods once, for both array types.
///
/// The items are inherent methods that take `&'r self` and may return
/// borrows of lifetime `'a`. They are emitted twice:
/// - for `ArrayView<'a, T, N>`, where `'a` is the view's lifetime and `'r`
///   any borrow of the view;
/// - for `PtrArray<'p, T, N>` with `'r: 'a`, so what they return lives no
///   longer than the `&'r self` borrow.
///
/// Bodies read through `self.raw` only; an `unsafe` block that turns it
/// into a view or a reference for `'a` is sound for both: a view grants
/// shared access for its `'a`, and `&'r PtrArray` grants shared access for
/// `'r`, which outlives `'a`.
///
/// The form `read_methods! { rank 2; ... }` fixes the rank.
macro_rules! read_methods {
    (rank $n:literal; $($item:item)*) => {
        impl<'r, 'a, T> ArrayView<'a, T, $n> { $($item)* }
        impl<'r: 'a, 'a, 'p, T> PtrArray<'p, T, $n> { $($item)* }
    };
    ($($item:item)*) => {
        impl<'r, 'a, T, const N: usize> ArrayView<'a, T, N> { $($item)* }
        impl<'r: 'a, 'a, 'p, T, const N: usize> PtrArray<'p, T, N> { $($item)* }
    };
}

mod access;
#[cfg(feature = "approx")]
mod approx_eq;
mod axes;
mod axis_iter;
mod cumulative;
mod error;
mod fmt;
mod iter;
pub(crate) mod layout;
mod memory_order;
mod ops;
mod products;
mod ptr_array;
mod rank;
pub(crate) mod raw;
mod reduce;
#[cfg(feature = "serde")]
mod serialize;
mod shape_ops;
mod stats;
mod view;
mod zip;

pub use axes::Slice;
pub use axis_iter::{AxisIter, AxisIterMut, Lanes, LanesMut};
pub use error::ShapeError;
pub use iter::{IndexedIter, Iter, IterMut};
pub use memory_order::Order;
pub use ptr_array::PtrArray;
pub use rank::{OneLess, OneMore, Rank};
#[cfg(feature = "serde")]
pub use serialize::ArraySeed;
pub use view::ArrayView;
pub use zip::{IntoNdProducer, NdProducer, Zip};
