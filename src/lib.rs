//! # bumper: fast scratch memory for numerical code
//!
//! Bump-allocated, scope-bounded scratch memory and a strided N-dimensional
//! array that lives in it, in the spirit of Julia's
//! [Bumper.jl](https://github.com/MasonProtter/Bumper.jl). A temporary costs
//! a pointer bump instead of a `malloc`/`free` pair, everything allocated in
//! a scope is freed at once when it ends, and what Bumper.jl leaves to
//! discipline ("do not let it escape") is a compile error here.
//!
//! ## Layers
//! * **Buffers** ([`SlabBuffer`], [`AllocBuffer`], the [`Buffer`] trait):
//!   raw bump memory with [`Checkpoint`]s.
//! * **Scopes** ([`no_escape`], [`Buffer::no_escape`], [`Scope`]): save the
//!   buffer's state, run a closure, restore the state; arrays allocated from
//!   the scope cannot leave the closure. Every thread has its own default
//!   buffer, so [`no_escape`] needs no argument and every rayon worker gets
//!   scratch memory of its own.
//! * **Arrays** ([`PtrArray`], [`ArrayView`]): strided N-dimensional arrays
//!   allocated straight from a scope.
//!
//! ```
//! // Bumper.jl's example: y = x .+ 1; sum(y), with the scratch array `y`
//! // freed when the scope ends.
//! fn f(x: &[i64]) -> i64 {
//!     bumper::no_escape(|s| {
//!         let mut y = s.alloc::<i64, 1>([x.len()]);
//!         for (yi, xi) in y.iter_mut().zip(x) {
//!             *yi = xi + 1;
//!         }
//!         y.iter().sum()
//!     })
//! }
//! assert_eq!(f(&[1, 2, 3]), 9);
//! ```
//!
//! ## Arrays
//! Arrays are strided views of scope memory: views without copying
//! (`t`, `slice_axis`, `index_axis`, `broadcast_to`, ...), elementwise
//! operations with same-rank broadcasting, and reductions.
//!
//! ```
//! bumper::no_escape(|s| {
//!     let mut m = s.alloc_with([2, 3], |[i, j]| (3 * i + j) as f64);
//!     let row = s.alloc_from_slice([1, 3], &[10.0, 20.0, 30.0]);
//!     m += &row; // the row is broadcast over both rows of `m`
//!     m *= 2.0;
//!     assert_eq!(m.to_vec(), [20.0, 42.0, 64.0, 26.0, 48.0, 70.0]);
//!     let col = m.view().index_axis::<1>(1, 0); // column 0, no copy
//!     assert_eq!(col.to_vec(), [20.0, 26.0]);
//! });
//! ```
//!
//! ## Interop with ndarray
//! No dependency is needed: both libraries describe an array by a pointer to
//! element `[0, 0, ...]`, a shape and signed element strides, so views
//! convert without copying through raw parts. ndarray's constructor wants
//! non-negative strides; for reversed axes start from the far end and
//! `invert_axis` (see `tests/ndarray_interop.rs`).
//!
//! ```
//! use ndarray::ShapeBuilder;
//!
//! bumper::no_escape(|s| {
//!     let a = s.alloc_with([2, 3], |[i, j]| (10 * i + j) as f64);
//!     let t = a.t(); // strides [1, 3]
//!     let strides = t.strides().map(|x| x as usize);
//!     // SAFETY: the same elements, shared, with the same (non-negative) layout.
//!     let nd = unsafe { ndarray::ArrayView2::from_shape_ptr(t.shape().strides(strides), t.as_ptr()) };
//!     assert_eq!(nd[[2, 1]], 12.0);
//!
//!     // And back: ndarray view -> bumper view.
//!     let (shape, st) = ([nd.nrows(), nd.ncols()], [nd.strides()[0], nd.strides()[1]]);
//!     // SAFETY: the ndarray view's elements, shared, same layout.
//!     let back = unsafe { bumper::ArrayView::from_raw_parts(nd.as_ptr(), shape, st) };
//!     assert_eq!(back.to_vec(), t.to_vec());
//! });
//! ```
//!
//! ## What the compiler and the runtime check
//! * An array from a scope cannot outlive the scope (compile error).
//! * While a nested scope is open, the outer one cannot allocate: a compile
//!   error for [`Scope::no_escape`], a panic ([`AllocError::InnerScopeOpen`])
//!   when the nesting goes through the thread's default buffer.
//! * A panic inside a scope still restores the buffer.
//! * [`Buffer::restore`] and [`Buffer::reset`] take `&mut self`, so no
//!   array from the buffer is live; a checkpoint from another buffer or from
//!   the future panics.
//! * Overflowing sizes, bad alignments and full fixed buffers are
//!   [`AllocError`]s, never undefined behaviour.

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

#[cfg(feature = "allocator-api2")]
mod alloc_api;
pub mod array;
pub mod buffer;
#[cfg(feature = "rayon")]
pub mod par;
mod scope;

pub use array::{ArrayView, PtrArray};
pub use buffer::{AllocBuffer, AllocError, Buffer, BufferStats, Checkpoint, SlabBuffer};
pub use scope::{
    default_buffer_stats, no_escape, reset_default_buffer, with_buffer, with_default_buffer, Scope,
};

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
