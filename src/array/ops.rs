//! Elementwise operations: in place (`fill`, `assign`, `map_inplace`,
//! `zip_mut_with`, the operators `+= -= *= /=`) and producing a new array
//! in a scope you pass (`map_in`, `zip_map_in`, `add_in`, ...).
//!
//! All of them are a [`Zip`] walk: row by row in memory order, contiguous
//! rows as flat loops the compiler vectorises, a broadcast operand with
//! stride 0, and only truly strided rows stepping a pointer by their stride.
//!
//! Broadcasting-lite: shapes of the same rank are compatible when, per axis,
//! the sizes are equal or one of them is 1. In-place operations need the
//! right-hand side to broadcast to the left-hand shape; operations that
//! produce a new array take the broadcast of both shapes.

use core::mem::MaybeUninit;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Sub, SubAssign};

use super::error::ShapeError;
use super::layout;
use super::zip::Zip;
use super::{ArrayView, PtrArray};
use crate::Scope;

/// The error for `right` not broadcasting to `left`.
fn incompatible<const N: usize>(left: &[usize; N], right: &[usize; N]) -> ShapeError {
    ShapeError::Incompatible {
        left: left.to_vec(),
        right: right.to_vec(),
    }
}

/// An uninitialised array of `shape` for the result of an elementwise
/// operation on inputs of that shape with the given strides: in their
/// memory order if every one of them fills a contiguous block with the
/// same order of axes ([`layout::same_order_strides`]), else row-major.
#[track_caller]
fn alloc_like<'s, U: Copy, const N: usize>(
    s: &Scope<'s>,
    shape: [usize; N],
    inputs: &[&[isize; N]],
) -> PtrArray<'s, MaybeUninit<U>, N> {
    let mut orders = inputs
        .iter()
        .map(|strides| layout::same_order_strides(&shape, strides));
    let first = orders.next().flatten();
    match first {
        Some(strides) if orders.all(|o| o == Some(strides)) => {
            // SAFETY: `same_order_strides` gives the row-major strides of
            // `shape` with the axes in some order.
            unsafe { s.alloc_uninit_with_strides(shape, strides) }
        }
        _ => s.alloc_uninit(shape),
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn shape_panic(e: ShapeError) -> ! {
    panic!("{e}")
}

impl<'a, T, const N: usize> PtrArray<'a, T, N> {
    /// Calls `f` on every element, in memory order (the fastest; not
    /// necessarily the logical order).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_with([2, 2], |[i, j]| (i + j) as f64);
    ///     a.map_inplace(|x| *x = *x * 2.0 + 1.0);
    ///     assert_eq!(a.to_vec(), [1.0, 3.0, 3.0, 5.0]);
    /// });
    /// ```
    pub fn map_inplace(&mut self, f: impl FnMut(&mut T)) {
        Zip::from(self.view_mut()).for_each(f);
    }

    /// Calls `f(x, y)` for every element `x` of `self` and the matching `y`
    /// of `other`, broadcast to `self`'s shape.
    ///
    /// # Errors
    /// [`ShapeError::Incompatible`] if `other` does not broadcast to
    /// `self`'s shape (nothing is changed then).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_filled([2, 3], 1);
    ///     let col = s.alloc_from_slice([2, 1], &[10, 20]);
    ///     a.try_zip_mut_with(&col, |x, y| *x += y).unwrap();
    ///     assert_eq!(a.to_vec(), [11, 11, 11, 21, 21, 21]);
    ///     assert!(a.try_zip_mut_with(&s.alloc::<i32, 2>([3, 3]), |_, _| ()).is_err());
    /// });
    /// ```
    pub fn try_zip_mut_with<'b, U: 'b>(
        &mut self,
        other: impl Into<ArrayView<'b, U, N>>,
        f: impl FnMut(&mut T, &U),
    ) -> Result<(), ShapeError> {
        let other = other.into();
        let (shape, b) = (self.raw.shape, other.raw);
        if layout::broadcast_strides(&shape, &b.shape, &b.strides).is_none() {
            return Err(incompatible(&shape, &b.shape));
        }
        // SAFETY: `other` broadcasts to `self`'s shape, and `self`, the one
        // written, has it.
        unsafe { Zip::from_parts_unchecked((self.view_mut(), other), shape) }.for_each(f);
        Ok(())
    }

    /// Like [`try_zip_mut_with`](PtrArray::try_zip_mut_with).
    ///
    /// # Panics
    /// If `other` does not broadcast to `self`'s shape; the message names both shapes.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_filled([3], 2.0);
    ///     let b = s.alloc_from_slice([3], &[1.0, 2.0, 3.0]);
    ///     a.zip_mut_with(&b, |x, y| *x *= y);
    ///     assert_eq!(a.to_vec(), [2.0, 4.0, 6.0]);
    /// });
    /// ```
    #[track_caller]
    pub fn zip_mut_with<'b, U: 'b>(
        &mut self,
        other: impl Into<ArrayView<'b, U, N>>,
        f: impl FnMut(&mut T, &U),
    ) {
        if let Err(e) = self.try_zip_mut_with(other, f) {
            shape_panic(e)
        }
    }

    /// Copies `other` (broadcast to `self`'s shape) into `self`.
    ///
    /// # Errors
    /// [`ShapeError::Incompatible`] if `other` does not broadcast to `self`'s shape.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<u8, 2>([2, 2]);
    ///     let row = s.alloc_from_slice([1, 2], &[3, 4]);
    ///     a.try_assign(&row).unwrap();
    ///     assert_eq!(a.to_vec(), [3, 4, 3, 4]);
    /// });
    /// ```
    pub fn try_assign<'b>(
        &mut self,
        other: impl Into<ArrayView<'b, T, N>>,
    ) -> Result<(), ShapeError>
    where
        T: Copy + 'b,
    {
        self.try_zip_mut_with(other, |x, y| *x = *y)
    }

    /// Copies `other` (broadcast to `self`'s shape) into `self`.
    ///
    /// # Panics
    /// If `other` does not broadcast to `self`'s shape.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<i32, 2>([2, 2]);
    ///     let b = s.alloc_with([2, 2], |[i, j]| (i * 2 + j) as i32);
    ///     a.assign(b.t());
    ///     assert_eq!(a.to_vec(), [0, 2, 1, 3]);
    /// });
    /// ```
    #[track_caller]
    pub fn assign<'b>(&mut self, other: impl Into<ArrayView<'b, T, N>>)
    where
        T: Copy + 'b,
    {
        self.zip_mut_with(other, |x, y| *x = *y)
    }
}

read_methods! {
    /// A new array in scope `s`, of the same shape, with `f` applied to each
    /// element (visited in logical row-major order).
    ///
    /// The result keeps the memory order of `self` when `self` fills one
    /// contiguous block in some order of its axes (as ndarray's `map`
    /// does): a transposed or column-major input gives a column-major
    /// result, a standard one a standard one. Reversed axes are not kept
    /// (the result's strides are positive). Any other layout (strided,
    /// broadcast) gives a row-major result.
    ///
    /// # Panics
    /// If `s` cannot allocate the array (as [`Scope::alloc_uninit`]).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 2], |[i, j]| (2 * i + j) as i32);
    ///     let sq = a.view().t().map_in(s, |x| x * x);
    ///     assert_eq!(sq.to_vec(), [0, 4, 1, 9]);
    ///     assert_eq!(sq.strides(), [1, 2]); // column-major, like `a.t()`
    ///     let every_other = a.slice(bumper::s![.., ..;2]).map_in(s, |x| x + 1);
    ///     assert!(every_other.is_standard_layout());
    /// });
    /// ```
    #[track_caller]
    pub fn map_in<'s, U: Copy>(
        &'r self,
        s: &Scope<'s>,
        mut f: impl FnMut(&T) -> U,
    ) -> PtrArray<'s, U, N> {
        let mut out = alloc_like(s, self.raw.shape, &[&self.raw.strides]);
        Zip::from(out.view_mut())
            .and(self.view())
            .in_logical_order()
            .for_each(|y, x| {
                y.write(f(x));
            });
        // SAFETY: the walk wrote every element of `out`.
        unsafe { out.assume_init() }
    }

    /// A new array in scope `s` holding `f(x, y)` for the elements of `self`
    /// and `other`, both broadcast to their common shape (visited in
    /// logical row-major order).
    ///
    /// The result keeps the inputs' memory order when both have the
    /// result's shape (no broadcasting) and fill one contiguous block each
    /// with the same order of axes (say both transposed: the result is
    /// column-major), as [`map_in`](ArrayView::map_in) does for one input;
    /// otherwise it is row-major.
    ///
    /// # Errors
    /// [`ShapeError::Incompatible`] if the shapes do not broadcast together.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let col = s.alloc_from_slice([2, 1], &[1, 2]);
    ///     let row = s.alloc_from_slice([1, 3], &[10, 20, 30]);
    ///     let outer = col.view().try_zip_map_in(s, &row, |a, b| a * b).unwrap();
    ///     assert_eq!(outer.shape(), [2, 3]);
    ///     assert_eq!(outer.to_vec(), [10, 20, 30, 20, 40, 60]);
    /// });
    /// ```
    #[track_caller]
    pub fn try_zip_map_in<'s, 'b, U: 'b, V: Copy>(
        &'r self,
        s: &Scope<'s>,
        other: impl Into<ArrayView<'b, U, N>>,
        mut f: impl FnMut(&T, &U) -> V,
    ) -> Result<PtrArray<'s, V, N>, ShapeError> {
        let other = other.into();
        let shape = layout::broadcast_shape(&self.raw.shape, &other.raw.shape)
            .ok_or_else(|| incompatible(&self.raw.shape, &other.raw.shape))?;
        let mut out = if shape == self.raw.shape && shape == other.raw.shape {
            alloc_like(s, shape, &[&self.raw.strides, &other.raw.strides])
        } else {
            s.alloc_uninit::<V, N>(shape)
        };
        Zip::from(out.view_mut())
            .and(self.view())
            .and(other)
            .in_logical_order()
            .for_each(|o, x, y| {
                o.write(f(x, y));
            });
        // SAFETY: the walk wrote every element of `out`.
        Ok(unsafe { out.assume_init() })
    }

    /// Like [`try_zip_map_in`](ArrayView::try_zip_map_in).
    ///
    /// # Panics
    /// If the shapes do not broadcast together; the message names both.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([3], &[1.0, 2.0, 3.0]);
    ///     let b = s.alloc_from_slice([3], &[4.0, 5.0, 6.0]);
    ///     let m = a.view().zip_map_in(s, &b, |x: &f64, y: &f64| x.max(*y) - 4.0);
    ///     assert_eq!(m.to_vec(), [0.0, 1.0, 2.0]);
    /// });
    /// ```
    #[track_caller]
    pub fn zip_map_in<'s, 'b, U: 'b, V: Copy>(
        &'r self,
        s: &Scope<'s>,
        other: impl Into<ArrayView<'b, U, N>>,
        f: impl FnMut(&T, &U) -> V,
    ) -> PtrArray<'s, V, N> {
        match self.try_zip_map_in(s, other, f) {
            Ok(out) => out,
            Err(e) => shape_panic(e),
        }
    }
}

macro_rules! binary_in {
    ($(#[$doc:meta])* $name:ident, $try_name:ident, $Op:ident, $op:tt) => {
        read_methods! {
            $(#[$doc])*
            #[track_caller]
            pub fn $name<'s, 'b>(&'r self, s: &Scope<'s>, other: impl Into<ArrayView<'b, T, N>>) -> PtrArray<'s, T, N>
            where
                T: Copy + $Op<Output = T> + 'b,
            {
                self.zip_map_in(s, other, |x, y| *x $op *y)
            }

            #[doc = concat!("Fallible [`", stringify!($name), "`](ArrayView::", stringify!($name), ").")]
            ///
            /// # Errors
            /// [`ShapeError::Incompatible`] if the shapes do not broadcast together.
            ///
            /// ```
            /// bumper::no_escape(|s| {
            ///     let a = s.alloc_filled([2], 6);
            ///     let b = s.alloc_filled([3], 2);
            #[doc = concat!("    assert!(a.view().", stringify!($try_name), "(s, &b).is_err());")]
            /// });
            /// ```
            #[track_caller]
            pub fn $try_name<'s, 'b>(
                &'r self,
                s: &Scope<'s>,
                other: impl Into<ArrayView<'b, T, N>>,
            ) -> Result<PtrArray<'s, T, N>, ShapeError>
            where
                T: Copy + $Op<Output = T> + 'b,
            {
                self.try_zip_map_in(s, other, |x, y| *x $op *y)
            }
        }
    };
}

binary_in!(
    /// `self + other` elementwise (broadcasting), in a new array in scope `s`.
    ///
    /// # Panics
    /// If the shapes do not broadcast together; the message names both.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let m = s.alloc_with([2, 2], |[i, j]| (2 * i + j) as f64);
    ///     let row = s.alloc_from_slice([1, 2], &[10.0, 20.0]);
    ///     assert_eq!(m.view().add_in(s, &row).to_vec(), [10.0, 21.0, 12.0, 23.0]);
    /// });
    /// ```
    add_in, try_add_in, Add, +
);
binary_in!(
    /// `self - other` elementwise (broadcasting), in a new array in scope `s`.
    ///
    /// # Panics
    /// If the shapes do not broadcast together; the message names both.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([3], &[5, 7, 9]);
    ///     let b = s.alloc_filled([1], 5);
    ///     assert_eq!(a.view().sub_in(s, &b).to_vec(), [0, 2, 4]);
    /// });
    /// ```
    sub_in, try_sub_in, Sub, -
);
binary_in!(
    /// `self * other` elementwise (broadcasting), in a new array in scope `s`.
    ///
    /// # Panics
    /// If the shapes do not broadcast together; the message names both.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([3], &[1, 2, 3]);
    ///     assert_eq!(a.view().mul_in(s, &a).to_vec(), [1, 4, 9]);
    /// });
    /// ```
    mul_in, try_mul_in, Mul, *
);
binary_in!(
    /// `self / other` elementwise (broadcasting), in a new array in scope `s`.
    ///
    /// # Panics
    /// If the shapes do not broadcast together; the message names both.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2], &[1.0, 9.0]);
    ///     let b = s.alloc_from_slice([2], &[2.0, 3.0]);
    ///     assert_eq!(a.view().div_in(s, &b).to_vec(), [0.5, 3.0]);
    /// });
    /// ```
    div_in, try_div_in, Div, /
);

macro_rules! op_assign {
    ($Op:ident, $method:ident, $op:tt) => {
        impl<T: Copy + $Op, const N: usize> $Op<T> for PtrArray<'_, T, N> {
            /// Applies the operation with a scalar to every element.
            fn $method(&mut self, rhs: T) {
                self.map_inplace(|x| *x $op rhs);
            }
        }

        impl<'b, T: Copy + $Op, const N: usize> $Op<ArrayView<'b, T, N>> for PtrArray<'_, T, N> {
            /// Applies the operation elementwise, broadcasting `rhs`.
            ///
            /// # Panics
            /// If `rhs` does not broadcast to `self`'s shape.
            #[track_caller]
            fn $method(&mut self, rhs: ArrayView<'b, T, N>) {
                self.zip_mut_with(rhs, |x, y| *x $op *y);
            }
        }

        impl<'b, T: Copy + $Op, const N: usize> $Op<&ArrayView<'b, T, N>> for PtrArray<'_, T, N> {
            /// Applies the operation elementwise, broadcasting `rhs`.
            ///
            /// # Panics
            /// If `rhs` does not broadcast to `self`'s shape.
            #[track_caller]
            fn $method(&mut self, rhs: &ArrayView<'b, T, N>) {
                self.zip_mut_with(*rhs, |x, y| *x $op *y);
            }
        }

        impl<'b, T: Copy + $Op, const N: usize> $Op<&PtrArray<'b, T, N>> for PtrArray<'_, T, N> {
            /// Applies the operation elementwise, broadcasting `rhs`.
            ///
            /// # Panics
            /// If `rhs` does not broadcast to `self`'s shape.
            #[track_caller]
            fn $method(&mut self, rhs: &PtrArray<'b, T, N>) {
                self.zip_mut_with(rhs, |x, y| *x $op *y);
            }
        }
    };
}

op_assign!(AddAssign, add_assign, +=);
op_assign!(SubAssign, sub_assign, -=);
op_assign!(MulAssign, mul_assign, *=);
op_assign!(DivAssign, div_assign, /=);

#[cfg(test)]
mod tests {
    use crate::Buffer;

    #[test]
    fn operators_with_scalars_arrays_and_views() {
        let buf = crate::SlabBuffer::<4096>::new();
        buf.no_escape(|s| {
            let mut a = s.alloc_from_slice([2, 2], &[1.0, 2.0, 3.0, 4.0]);
            let b = s.alloc_filled([2, 2], 2.0);
            a += 1.0;
            a *= &b;
            a -= b.view();
            a /= &b.view();
            assert_eq!(a.to_vec(), [1.0, 2.0, 3.0, 4.0]);
            let row = s.alloc_from_slice([1, 2], &[10.0, 20.0]);
            a += &row;
            assert_eq!(a.to_vec(), [11.0, 22.0, 13.0, 24.0]);
        });
    }

    #[test]
    #[should_panic(expected = "shapes [2, 2] and [3, 2] are not compatible")]
    fn incompatible_operator_panics_with_both_shapes() {
        crate::no_escape(|s| {
            let mut a = s.alloc::<i32, 2>([2, 2]);
            let b = s.alloc::<i32, 2>([3, 2]);
            a += &b;
        });
    }

    #[test]
    fn strided_and_reversed_operands() {
        crate::no_escape(|s| {
            let mut a = s.alloc_with([3, 4], |[i, j]| (10 * i + j) as i64);
            let b = s.alloc_with([4, 3], |[i, j]| (100 * i + j) as i64);
            // a (3x4) += b^T (3x4, strided)
            a += b.t();
            assert_eq!(a[[2, 3]], 23 + 302);
            // reversed columns of a, every other row
            let mut sub = a.slice_axis_step_mut(1, .., -1);
            sub.map_inplace(|x| *x = -*x);
            assert_eq!(a[[0, 0]], 0);
            assert_eq!(a[[1, 2]], -(12 + 201));
        });
    }
}
