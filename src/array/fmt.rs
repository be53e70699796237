//! `Debug`, `Display` and equality for arrays.

use core::fmt;

use super::{ArrayView, PtrArray};

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

impl<T: fmt::Debug, const N: usize> fmt::Debug for ArrayView<'_, T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_struct(f, "ArrayView", *self)
    }
}

impl<T: fmt::Debug, const N: usize> fmt::Debug for PtrArray<'_, T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_struct(f, "PtrArray", self.view())
    }
}
