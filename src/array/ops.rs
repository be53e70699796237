//! Elementwise operations: in place (`fill`, `assign`, `map_inplace`,
//! `zip_mut_with`, the operators `+= -= *= /=`) and producing a new array
//! in a scope you pass (`map_in`, `zip_map_in`, `add_in`, ...).
//!
//! All of them walk the data row by row ([`layout::for_each_row`]): rows
//! that are contiguous run as slice loops the compiler vectorises, a
//! broadcast operand (stride 0) is read once per row, and only truly
//! strided rows step a pointer by their stride.
//!
//! Broadcasting-lite: shapes of the same rank are compatible when, per axis,
//! the sizes are equal or one of them is 1. In-place operations need the
//! right-hand side to broadcast to the left-hand shape; operations that
//! produce a new array take the broadcast of both shapes.

use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Sub, SubAssign};
use core::ptr::NonNull;
use core::slice;

use super::error::ShapeError;
use super::layout::{self, Order};
use super::{ArrayView, PtrArray};
use crate::Scope;

/// Calls `f` on each of `len` elements starting at `p`, `stride` apart.
///
/// # Safety
/// The `len` elements are valid, initialised, and exclusively ours.
#[inline(always)]
unsafe fn row_mut<T>(p: NonNull<T>, stride: isize, len: usize, f: &mut impl FnMut(&mut T)) {
    if stride == 1 {
        // SAFETY: contiguous and exclusively ours (the caller's guarantee).
        for x in unsafe { slice::from_raw_parts_mut(p.as_ptr(), len) } {
            f(x);
        }
    } else {
        let mut q = p.as_ptr();
        for _ in 0..len {
            // SAFETY: each of the `len` positions is an element of the row.
            f(unsafe { &mut *q });
            q = q.wrapping_offset(stride);
        }
    }
}

/// Calls `f(a_i, b_i)` along a row of `a` (mutable) and `b` (read-only).
///
/// # Safety
/// The row of `a` is valid and exclusively ours; the row of `b` is valid
/// for reads and does not overlap it.
#[inline(always)]
unsafe fn row_zip<T, U>(
    a: NonNull<T>,
    sa: isize,
    b: NonNull<U>,
    sb: isize,
    len: usize,
    f: &mut impl FnMut(&mut T, &U),
) {
    match (sa, sb) {
        (1, 1) => {
            // SAFETY: both rows contiguous (the caller's guarantee).
            let (xs, ys) = unsafe {
                (
                    slice::from_raw_parts_mut(a.as_ptr(), len),
                    slice::from_raw_parts(b.as_ptr(), len),
                )
            };
            for (x, y) in xs.iter_mut().zip(ys) {
                f(x, y);
            }
        }
        (1, 0) => {
            // SAFETY: as above; `b` is one element repeated.
            let (xs, y) = unsafe { (slice::from_raw_parts_mut(a.as_ptr(), len), b.as_ref()) };
            for x in xs {
                f(x, y);
            }
        }
        _ => {
            let (mut p, mut q) = (a.as_ptr(), b.as_ptr().cast_const());
            for _ in 0..len {
                // SAFETY: each position is an element of its row.
                unsafe { f(&mut *p, &*q) };
                p = p.wrapping_offset(sa);
                q = q.wrapping_offset(sb);
            }
        }
    }
}

/// The error for `right` not broadcasting to `left`.
fn incompatible<const N: usize>(left: &[usize; N], right: &[usize; N]) -> ShapeError {
    ShapeError::Incompatible {
        left: left.to_vec(),
        right: right.to_vec(),
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
    pub fn map_inplace(&mut self, mut f: impl FnMut(&mut T)) {
        let base = self.raw.ptr;
        layout::for_each_row(
            &self.raw.shape,
            [&self.raw.strides],
            Order::Memory,
            |[off], [st], len| {
                // SAFETY: the rows cover each element of `self` once (distinct
                // indices never share an element), exclusively ours via `&mut`.
                unsafe { row_mut(base.offset(off), st, len, &mut f) }
            },
        );
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
        mut f: impl FnMut(&mut T, &U),
    ) -> Result<(), ShapeError> {
        let other = other.into();
        let b = other.raw;
        let b_strides = layout::broadcast_strides(&self.raw.shape, &b.shape, &b.strides)
            .ok_or_else(|| incompatible(&self.raw.shape, &b.shape))?;
        let a = self.raw.ptr;
        layout::for_each_row(
            &self.raw.shape,
            [&self.raw.strides, &b_strides],
            Order::Memory,
            |[oa, ob], [sa, sb], len| {
                // SAFETY: the rows of `self` cover its elements once,
                // exclusively ours; the rows of `other` are in bounds (its
                // strides, 0 on broadcast axes) and readable; the borrow
                // checker keeps `other` from aliasing `self`.
                unsafe { row_zip(a.offset(oa), sa, b.ptr.offset(ob), sb, len, &mut f) }
            },
        );
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
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 2], |[i, j]| (2 * i + j) as i32);
    ///     let sq = a.view().t().map_in(s, |x| x * x);
    ///     assert_eq!(sq.to_vec(), [0, 4, 1, 9]);
    /// });
    /// ```
    #[track_caller]
    pub fn map_in<'s, U: Copy>(
        &'r self,
        s: &Scope<'s>,
        mut f: impl FnMut(&T) -> U,
    ) -> PtrArray<'s, U, N> {
        let mut out = s.alloc_uninit::<U, N>(self.raw.shape);
        let (o, a) = (out.raw.ptr, self.raw.ptr);
        layout::for_each_row(
            &self.raw.shape,
            [&out.raw.strides, &self.raw.strides],
            Order::Logical,
            |[oo, oa], [so, sa], len| {
                // SAFETY: `out` is fresh, row-major, exclusively ours; the
                // rows of `self` are in bounds and readable.
                unsafe {
                    row_zip(o.offset(oo), so, a.offset(oa), sa, len, &mut |y, x| {
                        y.write(f(x));
                    })
                }
            },
        );
        let _ = &mut out;
        // SAFETY: the rows covered every element of `out`.
        unsafe { out.assume_init() }
    }

    /// A new array in scope `s` holding `f(x, y)` for the elements of `self`
    /// and `other`, both broadcast to their common shape.
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
        let b = other.into().raw;
        let shape = layout::broadcast_shape(&self.raw.shape, &b.shape)
            .ok_or_else(|| incompatible(&self.raw.shape, &b.shape))?;
        let a_strides = layout::broadcast_strides(&shape, &self.raw.shape, &self.raw.strides)
            .expect("broadcasts to the common shape");
        let b_strides = layout::broadcast_strides(&shape, &b.shape, &b.strides)
            .expect("broadcasts to the common shape");
        let mut out = s.alloc_uninit::<V, N>(shape);
        let (o, a) = (out.raw.ptr, self.raw.ptr);
        layout::for_each_row(
            &shape,
            [&out.raw.strides, &a_strides, &b_strides],
            Order::Logical,
            |[oo, oa, ob], [so, sa, sb], len| {
                // SAFETY: `out` is fresh, row-major, exclusively ours; the
                // rows of both inputs are in bounds (their strides, 0 on
                // broadcast axes) and readable.
                unsafe {
                    row_zip3(
                        o.offset(oo),
                        so,
                        a.offset(oa),
                        sa,
                        b.ptr.offset(ob),
                        sb,
                        len,
                        &mut f,
                    )
                }
            },
        );
        let _ = &mut out;
        // SAFETY: the rows covered every element of `out`.
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

/// Writes `f(a_i, b_i)` into a row of fresh output.
///
/// # Safety
/// The output row is valid for writes and exclusively ours; the input rows
/// are valid for reads.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
unsafe fn row_zip3<T, U, V>(
    o: NonNull<core::mem::MaybeUninit<V>>,
    so: isize,
    a: NonNull<T>,
    sa: isize,
    b: NonNull<U>,
    sb: isize,
    len: usize,
    f: &mut impl FnMut(&T, &U) -> V,
) {
    if (so, sa, sb) == (1, 1, 1) {
        // SAFETY: three contiguous rows (the caller's guarantee).
        let (out, xs, ys) = unsafe {
            (
                slice::from_raw_parts_mut(o.as_ptr(), len),
                slice::from_raw_parts(a.as_ptr(), len),
                slice::from_raw_parts(b.as_ptr(), len),
            )
        };
        for ((w, x), y) in out.iter_mut().zip(xs).zip(ys) {
            w.write(f(x, y));
        }
    } else {
        let (mut p, mut q, mut r) = (o.as_ptr(), a.as_ptr().cast_const(), b.as_ptr().cast_const());
        for _ in 0..len {
            // SAFETY: each position is an element of its row.
            unsafe { (*p).write(f(&*q, &*r)) };
            p = p.wrapping_offset(so);
            q = q.wrapping_offset(sa);
            r = r.wrapping_offset(sb);
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
