//! Strided N-dimensional arrays in scope memory: [`PtrArray`] (unique,
//! mutable) and [`ArrayView`] (shared, read-only, `Copy`).
//!
//! Shapes are `[usize; N]`, strides are signed element distances
//! (`[isize; N]`), and every allocation is row-major (C order). Both types
//! wrap one raw core (pointer, shape, strides); the lifetime says how long
//! the memory lives: a scope's `'s` for arrays from a scope.
//!
//! One concept per module: `layout` (shape and stride arithmetic), `raw`
//! (the pointer core), `view` / `ptr_array` (the two types), `axes` (views
//! without copying: transpose, slices, broadcasting), `ops` (elementwise
//! operations and operators), `reduce` (sums and other reductions), `iter`,
//! `fmt` (Debug, Display, equality), and behind features `approx_eq` and
//! `serialize`.

#[cfg(feature = "approx")]
mod approx_eq;
mod axes;
mod error;
mod fmt;
mod iter;
pub(crate) mod layout;
mod ops;
mod ptr_array;
mod raw;
mod reduce;
#[cfg(feature = "serde")]
mod serialize;
mod view;

pub use axes::Slice;
pub use error::ShapeError;
pub use iter::{IndexedIter, Iter, IterMut};
pub use ptr_array::PtrArray;
#[cfg(feature = "serde")]
pub use serialize::ArraySeed;
pub use view::ArrayView;
