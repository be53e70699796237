//! Memory order: [`Order`] (row-major or column-major allocations), the
//! layout queries `is_standard_layout` and `as_slice_memory_order`, and
//! `copy_in`, a copy in standard layout (in cache-line strips for
//! transposed inputs).

use core::mem::MaybeUninit;
use core::ptr::NonNull;
use core::slice;

use super::layout::{self, Traversal};
use super::raw::RawArray;
use super::zip::Zip;
use super::{ArrayView, PtrArray};
use crate::Scope;

/// The memory order of a new allocation: which axis is contiguous.
/// ndarray's names (its `Order::RowMajor` / `ColumnMajor`, alias `C` /
/// `F`); see [`Scope::alloc_order`].
///
/// ```
/// use bumper::array::Order;
///
/// bumper::no_escape(|s| {
///     let c = s.alloc_order::<u8, 2>([2, 3], Order::RowMajor);
///     let f = s.alloc_order::<u8, 2>([2, 3], Order::F);
///     assert_eq!((c.strides(), f.strides()), ([3, 1], [1, 2]));
/// });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Order {
    /// C order: the last axis is contiguous (the default, and the layout
    /// of every other allocation).
    #[default]
    RowMajor,
    /// Fortran order: the first axis is contiguous (reversed strides).
    ColumnMajor,
}

impl Order {
    /// Short for [`Order::RowMajor`] (C order).
    pub const C: Order = Order::RowMajor;
    /// Short for [`Order::ColumnMajor`] (Fortran order).
    pub const F: Order = Order::ColumnMajor;
}

/// Width of the strips of the transposing copy ([`copy_plane`]): 8
/// elements, a cache line of `f64`.
const STRIP: usize = 8;

/// Copies the elements of `src` into `dst` in row-major order.
///
/// # Safety
/// `src` is readable (shared access) and `dst` is valid for writes of
/// `src.len()` elements that do not overlap `src`.
unsafe fn copy_row_major<T: Copy, const N: usize>(src: &RawArray<T, N>, dst: *mut T) {
    let len = src.len();
    if len == 0 {
        return;
    }
    if src.is_standard() {
        // SAFETY: `src` is one row-major block of `len` readable elements,
        // `dst` has room for `len` and does not overlap it.
        unsafe { core::ptr::copy_nonoverlapping(src.ptr.as_ptr(), dst, len) };
        return;
    }
    let shape = src.shape;
    let dst_strides = layout::row_major_strides(&shape);
    // The destination's contiguous axis (the last one longer than 1) and
    // the source's (the smallest stride among axes longer than 1).
    let inner_dst = (0..N).rev().find(|&k| shape[k] > 1);
    let inner_src = (0..N)
        .filter(|&k| shape[k] > 1)
        .min_by_key(|&k| src.strides[k].unsigned_abs());
    match (inner_src, inner_dst) {
        (Some(a), Some(b)) if a != b => {
            // The source runs along another axis than the destination's
            // rows (say, it is transposed): copy each (a, b) plane in
            // strips, reading along `a` and writing along `b`.
            let mut outer = shape;
            outer[a] = 1;
            outer[b] = 1;
            let (na, nb) = (shape[a], shape[b]);
            let (sa, sb, da) = (src.strides[a], src.strides[b], dst_strides[a]);
            let base = src.ptr.as_ptr().cast_const();
            layout::for_each_row(
                &outer,
                [&src.strides, &dst_strides],
                Traversal::Logical,
                |[so, d_o], [ss, ds], n| {
                    for k in 0..n as isize {
                        // SAFETY: index `k` of a row of `outer` (in bounds
                        // of `src`'s shape), so the offsets are those of an
                        // element of `src` and a slot of `dst`; the plane
                        // through it spans indices `0..na` x `0..nb`.
                        unsafe {
                            copy_plane(
                                base.offset(so + k * ss),
                                dst.offset(d_o + k * ds),
                                [na, nb],
                                [sa, sb],
                                da,
                            )
                        };
                    }
                },
            );
        }
        _ => {
            // Rows of the destination are (close to) rows of the source: a
            // walk in memory order of both.
            // SAFETY: `src` is readable for this call; the destination is
            // `len` fresh, writable, row-major slots of the same shape.
            let (from, to) = unsafe {
                (
                    ArrayView::from_raw(*src),
                    PtrArray::<MaybeUninit<T>, N>::from_raw(
                        NonNull::new_unchecked(dst.cast()),
                        shape,
                        dst_strides,
                    ),
                )
            };
            Zip::from(to).and(from).for_each(|d, s| {
                d.write(*s);
            });
        }
    }
}

/// Copies an `n[0]` x `n[1]` plane: element `[i, j]` from
/// `src + i * s[0] + j * s[1]` to `dst + i * d0 + j`.
///
/// The destination's rows run along `j`, the source's (when it is
/// transposed) along `i`. The plane is copied in strips of [`STRIP`]
/// columns: for each strip, a pass down all rows `i` reads [`STRIP`]
/// source rows side by side, each forwards in memory, and writes [`STRIP`]
/// neighbouring elements of each destination row (a whole cache line for
/// 8-byte elements), so every line is read and written once and the
/// hardware prefetchers see plain forward streams.
///
/// # Safety
/// Every such source element is readable and every such destination
/// slot writable, and the two do not overlap.
unsafe fn copy_plane<T: Copy>(src: *const T, dst: *mut T, n: [usize; 2], s: [isize; 2], d0: isize) {
    let [ni, nj] = n;
    let full = nj / STRIP * STRIP;
    for j0 in (0..full).step_by(STRIP) {
        // SAFETY: column `j0` is in the plane.
        let (from, to) = unsafe { (src.offset(j0 as isize * s[1]), dst.add(j0)) };
        for i in 0..ni as isize {
            // SAFETY: elements `[i, j0 + k]`, `k < STRIP`, are in the plane:
            // `j0 + STRIP <= full <= nj`. The destination's are neighbours.
            unsafe {
                let row: [T; STRIP] =
                    core::array::from_fn(|k| *from.offset(i * s[0] + k as isize * s[1]));
                to.offset(i * d0).cast::<[T; STRIP]>().write(row);
            }
        }
    }
    if full < nj {
        // SAFETY: column `full` is in the plane.
        let (from, to) = unsafe { (src.offset(full as isize * s[1]), dst.add(full)) };
        for i in 0..ni as isize {
            for k in 0..(nj - full) as isize {
                // SAFETY: `[i, full + k]` is in the plane.
                unsafe { *to.offset(i * d0 + k) = *from.offset(i * s[0] + k * s[1]) };
            }
        }
    }
}

read_methods! {
    /// Whether the elements are contiguous in row-major order (C order):
    /// what a fresh allocation has. Axes of length 1 may have any stride;
    /// an empty array is standard.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc::<f32, 2>([2, 3]);
    ///     assert!(a.is_standard_layout());
    ///     assert!(!a.t().is_standard_layout());
    ///     assert!(a.slice(bumper::s![..1, ..]).is_standard_layout());
    /// });
    /// ```
    #[inline]
    pub fn is_standard_layout(&'r self) -> bool {
        self.raw.is_standard()
    }

    /// The elements as one slice in memory order, if they fill a contiguous
    /// block in some order of the axes, reversed axes included (a
    /// transposed or column-major array, a view with a negative step of
    /// 1): the slice starts at the block's lowest address. `None` for a
    /// strided or broadcast layout.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
    ///     assert_eq!(a.t().as_slice(), None);
    ///     assert_eq!(a.t().as_slice_memory_order(), Some(&[1, 2, 3, 4][..]));
    ///     let reversed = a.slice(bumper::s![..;-1, ..]);
    ///     assert_eq!(reversed.as_slice_memory_order(), Some(&[1, 2, 3, 4][..]));
    ///     assert_eq!(a.slice(bumper::s![.., ..1]).as_slice_memory_order(), None);
    /// });
    /// ```
    #[inline]
    pub fn as_slice_memory_order(&'r self) -> Option<&'a [T]> {
        // SAFETY: shared access to the elements for 'a.
        let (p, len) = unsafe { self.raw.memory_slice_parts() }?;
        // SAFETY: the block holds exactly the array's `len` elements,
        // initialised and readable for 'a.
        Some(unsafe { slice::from_raw_parts(p.as_ptr(), len) })
    }

    /// A copy of the elements in a new array in scope `s`, in standard
    /// (row-major) layout, whatever the layout of `self` (ndarray's
    /// `as_standard_layout().into_owned()`; its `to_owned` keeps the
    /// layout instead). A standard input is one `memcpy`; a transposed one
    /// is copied in strips a cache line wide, so that every line is read
    /// and written once.
    ///
    /// # Panics
    /// If `s` cannot allocate the array (as [`Scope::alloc_uninit`]).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
    ///     let t = a.t().copy_in(s);
    ///     assert!(t.is_standard_layout());
    ///     assert_eq!(t.as_slice(), Some(&[0, 10, 1, 11, 2, 12][..]));
    /// });
    /// ```
    #[track_caller]
    pub fn copy_in<'s>(&'r self, s: &Scope<'s>) -> PtrArray<'s, T, N>
    where
        T: Copy,
    {
        let mut out = s.alloc_uninit::<T, N>(self.raw.shape);
        // SAFETY: `self` is readable; `out` is fresh (no overlap), row-major,
        // of the same shape and element count.
        unsafe { copy_row_major(&self.raw, out.as_mut_ptr().cast::<T>()) };
        // SAFETY: the copy wrote every element of `out`.
        unsafe { out.assume_init() }
    }
}

impl<T, const N: usize> PtrArray<'_, T, N> {
    /// The elements as one mutable slice in memory order, if they fill a
    /// contiguous block in some order of the axes (see
    /// [`as_slice_memory_order`](ArrayView::as_slice_memory_order)).
    ///
    /// ```
    /// use bumper::array::Order;
    ///
    /// bumper::no_escape(|s| {
    ///     let mut f = s.alloc_order::<i32, 2>([2, 2], Order::ColumnMajor);
    ///     assert!(f.as_slice_mut().is_none());
    ///     f.as_slice_memory_order_mut().unwrap().copy_from_slice(&[1, 2, 3, 4]);
    ///     assert_eq!(f.to_vec(), [1, 3, 2, 4]);
    /// });
    /// ```
    #[inline]
    pub fn as_slice_memory_order_mut(&mut self) -> Option<&mut [T]> {
        // SAFETY: `&mut self` grants unique access to the elements.
        let (p, len) = unsafe { self.raw.memory_slice_parts() }?;
        // SAFETY: the block holds exactly the array's `len` elements
        // (distinct: it is as long as their count), initialised and ours
        // for the borrow.
        Some(unsafe { slice::from_raw_parts_mut(p.as_ptr(), len) })
    }
}
