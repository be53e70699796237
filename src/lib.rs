//! # bumper: fast scratch memory for numerical code
//!
//! Bump-allocated, scope-bounded scratch memory and a strided N-dimensional
//! array that lives in it, in the spirit of Julia's
//! [Bumper.jl](https://github.com/MasonProtter/Bumper.jl). A temporary costs
//! a pointer bump instead of a `malloc`/`free` pair, everything allocated in
//! a scope is freed at once when it ends, and what Bumper.jl leaves to
//! discipline ("do not let it escape") is a compile error here.
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
//! The crate has four layers, and data flows one way: **buffer → scope →
//! array → par**. The sections below walk through them in that order.
//!
//! ## 1. Buffers: where the memory comes from
//!
//! A buffer hands out memory by bumping a pointer. [`SlabBuffer`] grows in
//! slabs (1 MiB by default; bigger requests get a slab of their own) and
//! keeps a spare slab, so a loop at a slab edge does not `malloc`/`free`
//! every time. [`AllocBuffer`] has a fixed capacity, on the heap or in
//! memory you lend it (a stack array), and a full one gives an
//! [`AllocError`]. Both implement the [`Buffer`] trait: checkpoints,
//! statistics ([`BufferStats`]) and typed allocation.
//!
//! ```
//! use bumper::{AllocBuffer, AllocError, Buffer, SlabBuffer};
//!
//! let mut buf = SlabBuffer::<4096>::new(); // slabs of 4 KiB, none until first use
//! let cp = buf.checkpoint();
//! let a = buf.alloc_filled([100], 1.0_f64); // 800 bytes; `a` borrows `buf`
//! assert_eq!(a.sum(), 100.0);
//! assert_eq!(buf.used_bytes(), 800);
//! buf.restore(cp); // takes `&mut buf`, so no array from `buf` is alive here
//! assert_eq!(buf.used_bytes(), 0);
//! assert_eq!(buf.stats().high_water_bytes, 800);
//!
//! let fixed = AllocBuffer::with_capacity(64);
//! assert_eq!(
//!     fixed.try_alloc::<f64, 1>([10]).unwrap_err(),
//!     AllocError::OutOfCapacity { requested: 80, available: 64 }
//! );
//! ```
//!
//! Most code never names a buffer: every thread has its own default
//! `SlabBuffer`, created on first use, which [`no_escape`] allocates from.
//!
//! ## 2. Scopes: lifetimes do the freeing
//!
//! [`no_escape`] (the thread's default buffer), [`Buffer::no_escape`] (a
//! given buffer) and [`Scope::no_escape`] (nested) save the buffer's state,
//! run a closure with a [`Scope`], and restore the state when the closure
//! returns or panics. Arrays from the scope carry its lifetime `'s`, which
//! the closure's result cannot name, so they cannot outlive it. Any function
//! can open a scope of its own:
//!
//! ```
//! use bumper::{Buffer, SlabBuffer};
//!
//! /// The norm of `x` minus its mean, with a scratch copy.
//! fn centred_norm(x: &[f64]) -> f64 {
//!     bumper::no_escape(|s| {
//!         let mut c = s.alloc_from_slice([x.len()], x);
//!         let mean = c.mean().unwrap_or(0.0);
//!         c -= mean;
//!         c.norm()
//!     })
//! }
//! assert_eq!(centred_norm(&[1.0, 3.0]), 2f64.sqrt());
//!
//! // Nested scopes: the inner temporaries are freed when the inner closure
//! // returns; the outer arrays stay usable.
//! bumper::no_escape(|s| {
//!     let m = s.alloc_with([3, 3], |[i, j]| (3 * i + j) as f64);
//!     let mut row_norms = s.alloc::<f64, 1>([3]);
//!     for i in 0..3 {
//!         row_norms[[i]] = s.no_escape(|t| {
//!             let row = t.alloc_with([3], |[j]| m[[i, j]]); // a temporary per row
//!             row.norm()
//!         });
//!     }
//!     assert_eq!(row_norms[[0]], 5f64.sqrt());
//! });
//!
//! // `with_buffer` makes any buffer the default while a closure runs, so
//! // code that calls `bumper::no_escape` uses it.
//! let buf = SlabBuffer::<65536>::new();
//! let r = bumper::with_buffer(&buf, || centred_norm(&[0.0, 2.0]));
//! assert_eq!(r, 2f64.sqrt());
//! assert_eq!(buf.stats().high_water_bytes, 16);
//! assert_eq!(bumper::default_buffer_stats().used_bytes, 0);
//! ```
//!
//! Letting an array escape does not compile:
//!
//! ```compile_fail
//! let escaped = bumper::no_escape(|s| s.alloc::<f64, 1>([3])); // error: `'s` escapes
//! ```
//!
//! ## 3. Arrays: strided views of scope memory
//!
//! [`PtrArray`] (unique, mutable, like `&mut [T]`) and [`ArrayView`]
//! (shared, `Copy`, like `&[T]`) are N-dimensional arrays with signed
//! strides, row-major when allocated. They have views without copying
//! (`t`, `slice_axis`, `index_axis`, `reshape`, `broadcast_to`,
//! `split_at_mut`), elementwise operations with same-rank broadcasting
//! (`+= -= *= /=`, `zip_mut_with`, `map_inplace`), results in a scope
//! (`map_in`, `add_in`, `sum_axis`), and reductions (`sum` and `dot`
//! summed pairwise, `norm`, `min`/`max`, `mean`, `fold`). Methods that read
//! another array take `impl Into<ArrayView>`: `&PtrArray`, `ArrayView` and
//! `&ArrayView` all work. Both types have the same read methods (written
//! once); on a view, what they return keeps the view's lifetime.
//!
//! ```
//! bumper::no_escape(|s| {
//!     let mut m = s.alloc_with([2, 3], |[i, j]| (3 * i + j) as f64);
//!     let row = s.alloc_from_slice([1, 3], &[10.0, 20.0, 30.0]);
//!     m += &row; // the row is broadcast over both rows of `m`
//!     m *= 2.0;
//!     assert_eq!(m.to_vec(), [20.0, 42.0, 64.0, 26.0, 48.0, 70.0]);
//!     let col = m.index_axis(1, 0); // column 0, no copy; rank 1 inferred
//!     assert_eq!(col.to_vec(), [20.0, 26.0]);
//!
//!     let col_sums = m.sum_axis(0, s); // a new array in `s`
//!     assert_eq!(col_sums.to_vec(), [46.0, 90.0, 134.0]);
//!     assert_eq!(m.t().dot(m.t()), m.dot(&m)); // any layouts
//!     let halves = m.map_in(s, |x| x / 2.0);
//!     assert_eq!(halves.max(), Some(35.0));
//! });
//! ```
//!
//! Iteration: `for x in &m`, element iterators that run from both ends,
//! and sub-views without copying: `outer_iter`, `axis_iter`, `rows`,
//! `lanes`, `axis_chunks_iter`, `axis_windows` (and `_mut` forms). Several
//! arrays in one pass: [`Zip`] (up to six, broadcasting) or [`azip!`].
//!
//! ```
//! use bumper::{azip, Zip};
//!
//! bumper::no_escape(|s| {
//!     let m = s.alloc_with([2, 3], |[i, j]| (3 * i + j) as f64);
//!     let row_sums: Vec<f64> = m.rows().map(|r| r.sum()).collect();
//!     assert_eq!(row_sums, [3.0, 12.0]);
//!
//!     let b = s.alloc_from_slice([1, 3], &[1.0, 2.0, 3.0]); // broadcast
//!     let mut y = s.alloc::<f64, 2>([2, 3]);
//!     azip!((y in &mut y, &x in &m, &b in &b) *y = 2.0 * x + b);
//!     let z = Zip::from(&y).and(&m).map_collect_in(s, |y, x| y - x);
//!     assert_eq!(z.to_vec(), [1.0, 3.0, 5.0, 4.0, 6.0, 8.0]);
//! });
//! ```
//!
//! Arrays also wrap memory you own, without copying, so one kernel serves
//! scope and `Vec` data alike ([`ArrayView::from_slice`],
//! [`PtrArray::from_slice_mut`]):
//!
//! ```
//! use bumper::{ArrayView, PtrArray};
//!
//! let x = vec![1.0, 2.0, 3.0];
//! let mut y = vec![1.0; 3];
//! let mut y_arr = PtrArray::from_slice_mut([3], &mut y).unwrap();
//! y_arr.zip_mut_with(ArrayView::from_slice([3], &x).unwrap(), |yi, xi| *yi += 2.0 * xi);
//! assert_eq!(y, [3.0, 5.0, 7.0]);
//! ```
//!
//! ## Matrix products on scratch memory
//! [`linalg::general_mat_mul`] (`C = α·A·B + β·C`), [`linalg::general_mat_vec_mul`]
//! and the `matmul_in` / `matvec_in` methods take any strides and pack
//! their operands into a scope nested on the default buffer, so a product
//! in a hot loop makes no heap allocation once that buffer has grown. The
//! kernels are picked at run time (AVX-512F, AVX2+FMA or portable for `f32`
//! and `f64`; a generic one for the integer types), and large products split
//! over rayon's workers. BENCHMARKS.md compares them with matrixmultiply
//! and faer.
//!
//! ```
//! bumper::no_escape(|s| {
//!     let a = s.alloc_with([3, 2], |[i, j]| (i + j) as f64);
//!     let x = s.alloc_from_slice([2], &[1.0, -1.0]);
//!     let ata = a.t().matmul_in(&a, s); // 2 × 2, Aᵀ·A
//!     assert_eq!(ata.to_vec(), [5.0, 8.0, 8.0, 14.0]);
//!     assert_eq!(ata.matvec_in(&x, s).to_vec(), [-3.0, -6.0]);
//! });
//! ```
//!
//! ## 4. Parallel: every rayon worker has its own buffer
//!
//! With the `rayon` feature (on by default), [`no_escape`] inside a rayon
//! job uses that worker's own default buffer: per-item scratch memory with
//! nothing shared and nothing locked. Arrays are `Send`/`Sync` like
//! `&mut [T]`/`&[T]`, and the [`par`] module adds parallel operations that
//! split an array between workers.
//!
//! ```
//! # #[cfg(feature = "rayon")] {
//! use rayon::prelude::*;
//!
//! let norms: Vec<f64> = (0..1000_usize)
//!     .into_par_iter()
//!     .map(|k| {
//!         bumper::no_escape(|s| {
//!             let v = s.alloc_with([16], |[i]| (k + i) as f64); // per-item scratch
//!             v.norm()
//!         })
//!     })
//!     .collect();
//! assert_eq!(norms[0], (0..16).map(|i| (i * i) as f64).sum::<f64>().sqrt());
//!
//! bumper::no_escape(|s| {
//!     let mut big = s.alloc_filled([100_000], 0.5_f64);
//!     big.par_map_inplace(|x| *x *= 2.0);
//!     assert_eq!(big.par_sum(), 100_000.0);
//! });
//! // Every worker's buffer gave its memory back.
//! assert!(bumper::par::worker_buffer_stats().iter().all(|st| st.used_bytes == 0));
//! # }
//! ```
//!
//! ## Collections on scope memory
//!
//! With the `allocator-api2` feature (on by default), `&Scope` (and
//! `&SlabBuffer`, `&AllocBuffer`, `&dyn Buffer`) implement
//! `allocator_api2::alloc::Allocator`, so allocator-api2's `Vec` and `Box`
//! and hashbrown's maps and sets can live in a scope. They cannot leave it,
//! like arrays.
//!
//! ```
//! # #[cfg(feature = "allocator-api2")] {
//! use allocator_api2::vec::Vec;
//!
//! let total = bumper::no_escape(|s| {
//!     let mut v = Vec::new_in(&*s);
//!     v.extend([3_u32, 1, 2]);
//!     v.sort();
//!     assert_eq!(v.as_slice(), [1, 2, 3]);
//!     v.iter().sum::<u32>()
//! });
//! assert_eq!(total, 6);
//! # }
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
//! * An array from a scope cannot outlive the scope (compile error), and a
//!   [`Scope`] cannot be used from another thread (it is neither `Send` nor
//!   `Sync`).
//! * While a nested scope is open, the outer one cannot allocate: a compile
//!   error for [`Scope::no_escape`], a panic ([`AllocError::InnerScopeOpen`]
//!   from the `try_` methods) when the nesting goes through the thread's
//!   default buffer. Allocating directly from a buffer while a scope on it
//!   is open is refused the same way.
//! * A panic inside a scope still restores the buffer.
//! * [`Buffer::restore`] and [`Buffer::reset`] take `&mut self`, so no
//!   array from the buffer is live; a checkpoint from another buffer or from
//!   the future panics.
//! * Overflowing sizes, bad alignments and full fixed buffers are
//!   [`AllocError`]s, never undefined behaviour.
//! * Out-of-bounds indices and shapes that do not broadcast panic with the
//!   numbers in the message; the `try_` forms return [`ShapeError`](array::ShapeError).
//!
//! ## Features
//! | feature | default | adds |
//! |---|---|---|
//! | `rayon` | on | [`par`]: parallel array operations, per-worker buffer statistics |
//! | `allocator-api2` | on | `Allocator` for `&Scope` and buffer references |
//! | `approx` | on | `AbsDiffEq` / `RelativeEq` / `UlpsEq` for arrays |
//! | `serde` | on | `Serialize` for arrays (ndarray's format); `array::ArraySeed` deserialises into a scope |
//!
//! ## The main items
//! * Buffers: [`SlabBuffer`], [`AllocBuffer`], the [`Buffer`] trait,
//!   [`Checkpoint`], [`BufferStats`], [`AllocError`].
//! * Scopes: [`no_escape`], [`Buffer::no_escape`], [`Scope`],
//!   [`Scope::no_escape`], [`with_buffer`], [`with_default_buffer`],
//!   [`default_buffer_stats`], [`reset_default_buffer`].
//! * Allocation: [`Scope::alloc`], [`Scope::alloc_filled`],
//!   [`Scope::alloc_with`], [`Scope::alloc_from_slice`],
//!   [`Scope::alloc_uninit`], [`Scope::try_alloc`], [`Scope::alloc_ptr`],
//!   and in either memory order [`Scope::alloc_order`],
//!   [`Scope::alloc_filled_order`], [`Scope::alloc_uninit_order`].
//! * Arrays: [`PtrArray`], [`ArrayView`], [`Zip`], [`azip!`], [`s!`], the
//!   [`array`](mod@array) module ([`ShapeError`](array::ShapeError),
//!   [`Slice`](array::Slice), [`Order`](array::Order),
//!   [`Rank`](array::Rank), iterators).
//! * Matrix products: the [`linalg`] module ([`linalg::general_mat_mul`],
//!   [`linalg::general_mat_vec_mul`], [`linalg::LinalgScalar`]) and the
//!   arrays' `matmul_in` / `matvec_in`.
//! * Parallel: the [`par`] module, [`par::worker_buffer_stats`].
//!
//! The repository's `README.md` maps Bumper.jl's API to these names,
//! `ARCHITECTURE.md` explains the layers' invariants, and `BENCHMARKS.md`
//! has the measurements.

#![warn(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]

#[cfg(feature = "allocator-api2")]
mod alloc_api;
pub mod array;
pub mod buffer;
pub mod linalg;
#[cfg(feature = "rayon")]
pub mod par;
mod scope;

pub use array::{ArrayView, PtrArray, Zip};
pub use buffer::{AllocBuffer, AllocError, Buffer, BufferStats, Checkpoint, SlabBuffer};
pub use scope::{
    default_buffer_stats, no_escape, reset_default_buffer, with_buffer, with_default_buffer, Scope,
};

/// The README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
