//! Strided N-dimensional arrays in scope memory: [`PtrArray`] (unique,
//! mutable) and [`ArrayView`] (shared, read-only, `Copy`).
//!
//! Shapes are `[usize; N]`, strides are signed element distances
//! (`[isize; N]`), and every allocation is row-major (C order). Both types
//! wrap one raw core (pointer, shape, strides); the lifetime says how long
//! the memory lives: a scope's `'s` for arrays from a scope.

mod iter;
pub(crate) mod layout;
mod ptr_array;
mod raw;
mod view;

use core::fmt;

pub use iter::{Iter, IterMut};
pub use ptr_array::PtrArray;
pub use view::ArrayView;

/// The `Debug` text of both array types: shape, strides and the data in
/// logical row-major order.
fn debug_struct<T: fmt::Debug, const N: usize>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    v: ArrayView<'_, T, N>,
) -> fmt::Result {
    struct Data<'v, T, const N: usize>(ArrayView<'v, T, N>);
    impl<T: fmt::Debug, const N: usize> fmt::Debug for Data<'_, T, N> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_list().entries(self.0.iter()).finish()
        }
    }
    f.debug_struct(name)
        .field("shape", &v.shape())
        .field("strides", &v.strides())
        .field("data", &Data(v))
        .finish()
}
