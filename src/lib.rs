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

pub mod array;
pub mod buffer;
mod scope;

pub use array::{ArrayView, PtrArray};
pub use buffer::{AllocBuffer, AllocError, Buffer, BufferStats, Checkpoint, SlabBuffer};
pub use scope::{no_escape, reset_default_buffer, with_buffer, with_default_buffer, Scope};

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
