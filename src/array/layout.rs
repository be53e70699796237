//! Shapes and strides: the arithmetic every array shares.
//!
//! Strides are in elements and signed; row-major (C order) is the layout of
//! every allocation: the last axis has stride 1.

use super::error::ShapeError;
use crate::buffer::AllocError;

/// Number of elements of `dims`, or `None` on overflow. A shape with a
/// zero-length axis holds 0 elements whatever the other axes hold, even
/// when their product alone would overflow.
#[inline]
pub(crate) fn checked_len<const N: usize>(dims: &[usize; N]) -> Option<usize> {
    if dims.contains(&0) {
        return Some(0);
    }
    dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d))
}

/// Number of elements of `shape`, for a shape known to hold at most
/// `isize::MAX` elements (the array invariant). The wrapping product is
/// exact then: if no axis is 0 the true product fits, and a 0 axis makes
/// the wrapping product 0 whatever the other axes hold.
#[inline]
pub(crate) fn len_of<const N: usize>(shape: &[usize; N]) -> usize {
    shape.iter().fold(1usize, |acc, &d| acc.wrapping_mul(d))
}

/// Checks that a shape a view is about to take holds at most `isize::MAX`
/// elements (DESIGN.md, soundness rule 8).
pub(crate) fn check_len<const N: usize>(dims: &[usize; N]) -> Result<usize, ShapeError> {
    match checked_len(dims) {
        Some(n) if n <= isize::MAX as usize => Ok(n),
        _ => Err(ShapeError::TooManyElements {
            dims: dims.to_vec(),
        }),
    }
}

/// Panics (at the caller) unless `axis` is an axis of a rank-`N` array;
/// `what` names the operation in the message.
#[track_caller]
pub(crate) fn check_axis<const N: usize>(what: &str, axis: usize) {
    assert!(
        axis < N,
        "{what}: axis {axis} is out of bounds for a rank-{N} array"
    );
}

/// `dims` (a shape or strides) without `axis`.
pub(crate) fn removed<D: Copy, const N: usize, const M: usize>(
    dims: &[D; N],
    axis: usize,
) -> [D; M] {
    core::array::from_fn(|k| dims[if k < axis { k } else { k + 1 }])
}

/// Byte size of an array of `T` with shape `dims`.
///
/// Both the element count and the byte size must fit in `isize`, so that
/// element offsets and pointer arithmetic never overflow (zero-sized types
/// included).
#[inline(always)]
pub(crate) fn byte_size<T, const N: usize>(dims: &[usize; N]) -> Result<usize, AllocError> {
    let len = checked_len(dims).ok_or(AllocError::SizeOverflow)?;
    let bytes = len
        .checked_mul(core::mem::size_of::<T>())
        .ok_or(AllocError::SizeOverflow)?;
    if len > isize::MAX as usize || bytes > isize::MAX as usize {
        return Err(AllocError::SizeOverflow);
    }
    Ok(bytes)
}

/// Row-major strides for `dims`: `[d1*d2*..., ..., d_{N-1}, 1]`.
///
/// Only called for shapes whose element count fits in `isize`.
#[inline(always)]
pub(crate) fn row_major_strides<const N: usize>(dims: &[usize; N]) -> [isize; N] {
    let mut strides = [0isize; N];
    let mut acc = 1usize;
    for axis in (0..N).rev() {
        strides[axis] = acc as isize;
        acc = acc.wrapping_mul(dims[axis]);
    }
    strides
}

/// Column-major strides for `dims` (Fortran order, ndarray's `.f()`):
/// `[1, d0, d0*d1, ...]`, the row-major strides of the reversed shape.
///
/// Only called for shapes whose element count fits in `isize`.
#[inline(always)]
pub(crate) fn column_major_strides<const N: usize>(dims: &[usize; N]) -> [isize; N] {
    let mut strides = [0isize; N];
    let mut acc = 1usize;
    for axis in 0..N {
        strides[axis] = acc as isize;
        acc = acc.wrapping_mul(dims[axis]);
    }
    strides
}

/// Strides for a fresh allocation of `shape` whose axes lie in memory in
/// the same order as in a layout with `strides`, if that layout fills one
/// contiguous block ([`memory_block`]); all positive (a reversed axis is
/// not kept reversed). `None` if the layout is not one block; row-major
/// strides for an empty shape.
///
/// Axes longer than 1 get the absolute value of their stride (in a block
/// those are exactly the products of the shorter axes' lengths); axes of
/// length 1 are never stepped and get their row-major stride, so a
/// standard layout gives exactly [`row_major_strides`].
pub(crate) fn same_order_strides<const N: usize>(
    shape: &[usize; N],
    strides: &[isize; N],
) -> Option<[isize; N]> {
    let mut out = row_major_strides(shape);
    if len_of(shape) == 0 {
        return Some(out);
    }
    memory_block(shape, strides)?;
    for axis in 0..N {
        if shape[axis] > 1 {
            // In a block, |stride| is at most the element count: it fits.
            out[axis] = strides[axis].unsigned_abs() as isize;
        }
    }
    Some(out)
}

/// Steps a row-major multi-index forward by one element (the last axis
/// fastest). Past the last element it wraps to all zeros.
#[inline]
pub(crate) fn advance_row_major<const N: usize>(index: &mut [usize; N], dims: &[usize; N]) {
    for axis in (0..N).rev() {
        index[axis] += 1;
        if index[axis] < dims[axis] {
            return;
        }
        index[axis] = 0;
    }
}

/// Whether an array with this shape and these strides occupies one
/// contiguous block in row-major order (axes of length 1 may have any
/// stride; an empty array is contiguous).
pub(crate) fn is_standard<const N: usize>(shape: &[usize; N], strides: &[isize; N]) -> bool {
    if shape.contains(&0) {
        return true;
    }
    let mut expected = 1isize;
    for axis in (0..N).rev() {
        if shape[axis] != 1 && strides[axis] != expected {
            return false;
        }
        expected = expected.wrapping_mul(shape[axis] as isize);
    }
    true
}

/// Element offset of `index`, or `None` if it is out of bounds.
#[inline]
pub(crate) fn offset_of<const N: usize>(
    shape: &[usize; N],
    strides: &[isize; N],
    index: &[usize; N],
) -> Option<isize> {
    let mut off = 0isize;
    for axis in 0..N {
        if index[axis] >= shape[axis] {
            return None;
        }
        // In bounds, so the product is a real element distance and fits.
        off += index[axis] as isize * strides[axis];
    }
    Some(off)
}

/// Which order [`for_each_row`] visits elements in (a walk order; the
/// memory layout of an allocation is the public [`Order`](super::Order)).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Traversal {
    /// Logical row-major order (the last axis fastest).
    Logical,
    /// Any order, chosen for speed: axes sorted by the sum of the layouts'
    /// strides, largest outside, so the inner loop walks memory forwards
    /// in as many layouts as possible.
    Memory,
}

/// Walks `K` layouts of the same `shape` together, one row at a time: for
/// each row `f(start offsets, inner strides, row length)` (offsets and
/// strides in elements, one per layout). Axes of length 1 are skipped and
/// neighbouring axes that are contiguous in every layout are merged, so a
/// contiguous array is one long row. Nothing is called for an empty shape.
///
/// The hot loop is the caller's `f`; this only steps the outer index, with
/// one add per layout per row (and a multiply when an outer axis wraps).
#[inline]
pub(crate) fn for_each_row<const K: usize, const N: usize>(
    shape: &[usize; N],
    strides: [&[isize; N]; K],
    order: Traversal,
    mut f: impl FnMut([isize; K], [isize; K], usize),
) {
    if shape.contains(&0) {
        return;
    }
    // The axes that matter, outermost first.
    let mut axes = [0usize; N];
    let mut n = 0;
    for (axis, &len) in shape.iter().enumerate() {
        if len > 1 {
            axes[n] = axis;
            n += 1;
        }
    }
    if order == Traversal::Memory && K > 0 {
        // Largest total stride (over all layouts) outermost, so the inner
        // loop is contiguous in as many layouts as possible (for one
        // layout: its memory order). Axes along which every layout repeats
        // (stride 0) go outermost of all, so inner rows never just repeat
        // one element.
        axes[..n].sort_by_key(|&a| {
            let total = (0..K).fold(0usize, |t, k| {
                t.saturating_add(strides[k][a].unsigned_abs())
            });
            match total {
                0 => core::cmp::Reverse(usize::MAX),
                t => core::cmp::Reverse(t),
            }
        });
    }
    // Merge axes: (outer, inner) become one when stepping the outer axis
    // equals running off the end of the inner one, in every layout.
    let mut lens = [0usize; N];
    let mut st = [[0isize; N]; K];
    let mut m = 0;
    for &a in &axes[..n] {
        let mergeable =
            m > 0 && (0..K).all(|k| st[k][m - 1] == strides[k][a].wrapping_mul(shape[a] as isize));
        if mergeable {
            lens[m - 1] *= shape[a];
            for k in 0..K {
                st[k][m - 1] = strides[k][a];
            }
        } else {
            lens[m] = shape[a];
            for k in 0..K {
                st[k][m] = strides[k][a];
            }
            m += 1;
        }
    }
    if m == 0 {
        // A single element.
        f([0; K], [0; K], 1);
        return;
    }
    let inner = m - 1;
    let inner_len = lens[inner];
    let inner_strides: [isize; K] = core::array::from_fn(|k| st[k][inner]);
    let mut index = [0usize; N];
    let mut offsets = [0isize; K];
    loop {
        f(offsets, inner_strides, inner_len);
        // Step the outer axes (row-major over axes 0..inner).
        let mut axis = inner;
        loop {
            if axis == 0 {
                return;
            }
            axis -= 1;
            index[axis] += 1;
            for k in 0..K {
                offsets[k] += st[k][axis];
            }
            if index[axis] < lens[axis] {
                break;
            }
            for k in 0..K {
                offsets[k] -= st[k][axis] * lens[axis] as isize;
            }
            index[axis] = 0;
        }
    }
}

/// If the elements of this layout fill one contiguous block of memory (in
/// any axis order, with any axis reversed), the element offset of the
/// block's lowest address and the element count.
pub(crate) fn memory_block<const N: usize>(
    shape: &[usize; N],
    strides: &[isize; N],
) -> Option<(isize, usize)> {
    let len = len_of(shape);
    if len == 0 {
        return Some((0, 0));
    }
    let mut axes = [0usize; N];
    let mut n = 0;
    let mut low = 0isize;
    for axis in 0..N {
        if shape[axis] > 1 {
            axes[n] = axis;
            n += 1;
            if strides[axis] < 0 {
                low += strides[axis] * (shape[axis] - 1) as isize;
            }
        }
    }
    axes[..n].sort_by_key(|&a| strides[a].unsigned_abs());
    let mut expected = 1usize;
    for &a in &axes[..n] {
        if strides[a].unsigned_abs() != expected {
            return None;
        }
        expected *= shape[a];
    }
    Some((low, len))
}

/// Broadcasts `right` to `left`'s shape for an in-place operation: per
/// axis, equal sizes keep their stride, a size-1 axis of `right` gets
/// stride 0. `None` if the shapes are incompatible.
pub(crate) fn broadcast_strides<const N: usize>(
    left: &[usize; N],
    right: &[usize; N],
    right_strides: &[isize; N],
) -> Option<[isize; N]> {
    let mut out = [0isize; N];
    for axis in 0..N {
        if right[axis] == left[axis] {
            out[axis] = right_strides[axis];
        } else if right[axis] != 1 {
            return None;
        }
    }
    Some(out)
}

/// The shape two arrays broadcast to (per axis: equal, or one of them 1).
pub(crate) fn broadcast_shape<const N: usize>(
    a: &[usize; N],
    b: &[usize; N],
) -> Option<[usize; N]> {
    let mut out = [0usize; N];
    for axis in 0..N {
        out[axis] = match (a[axis], b[axis]) {
            (x, y) if x == y => x,
            (1, y) => y,
            (x, 1) => x,
            _ => return None,
        };
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strides_and_lengths() {
        assert_eq!(row_major_strides(&[2, 3, 4]), [12, 4, 1]);
        assert_eq!(row_major_strides::<0>(&[]), []);
        assert_eq!(checked_len(&[2, 3, 4]), Some(24));
        assert_eq!(checked_len::<0>(&[]), Some(1));
        assert_eq!(checked_len(&[usize::MAX, 2]), None);
        assert_eq!(checked_len(&[2, usize::MAX, 0]), Some(0));
        assert_eq!(checked_len(&[0, usize::MAX, 2]), Some(0));
        assert_eq!(len_of(&[2, usize::MAX, 0]), 0);
        assert_eq!(len_of(&[3, 4]), 12);
        assert_eq!(byte_size::<u64, 3>(&[2, usize::MAX, 0]), Ok(0));
        assert!(check_len(&[1 << 32, 1 << 32]).is_err());
        assert!(check_len(&[3, 1 << 63]).is_err());
        assert_eq!(check_len(&[1 << 31, 1 << 31]), Ok(1 << 62));
        assert_eq!(
            byte_size::<u64, 1>(&[usize::MAX / 4]),
            Err(AllocError::SizeOverflow)
        );
        assert_eq!(
            byte_size::<(), 1>(&[usize::MAX]),
            Err(AllocError::SizeOverflow)
        );
        assert_eq!(byte_size::<(), 1>(&[1000]), Ok(0));
    }

    #[test]
    fn row_major_walk() {
        let mut idx = [0, 0];
        let mut seen = vec![];
        for _ in 0..6 {
            seen.push(idx);
            advance_row_major(&mut idx, &[2, 3]);
        }
        assert_eq!(seen, [[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
        assert_eq!(idx, [0, 0]);
    }

    fn rows<const K: usize, const N: usize>(
        shape: [usize; N],
        strides: [[isize; N]; K],
        order: Traversal,
    ) -> Vec<([isize; K], [isize; K], usize)> {
        let mut out = vec![];
        let refs: [&[isize; N]; K] = core::array::from_fn(|k| &strides[k]);
        for_each_row(&shape, refs, order, |o, s, n| out.push((o, s, n)));
        out
    }

    #[test]
    fn rows_merge_contiguous_axes() {
        // Row-major 2x3x4: one row of 24.
        assert_eq!(
            rows([2, 3, 4], [[12, 4, 1]], Traversal::Logical),
            [([0], [1], 24)]
        );
        // Transposed 2x3 (strides [1, 2]): logical order walks columns...
        assert_eq!(
            rows([2, 3], [[1, 2]], Traversal::Logical),
            [([0], [2], 3), ([1], [2], 3)]
        );
        // ...memory order makes it one contiguous row.
        assert_eq!(rows([2, 3], [[1, 2]], Traversal::Memory), [([0], [1], 6)]);
        // A broadcast axis goes outermost in memory order.
        assert_eq!(
            rows([3, 2], [[1, 0]], Traversal::Memory),
            [([0], [1], 3), ([0], [1], 3)]
        );
        // A broadcast row (stride 0 on axis 0) next to a full array.
        assert_eq!(
            rows([2, 3], [[3, 1], [0, 1]], Traversal::Logical),
            [([0, 0], [1, 1], 3), ([3, 0], [1, 1], 3)]
        );
        // Length-1 axes are skipped; rank 0 is one element.
        assert_eq!(
            rows([1, 5, 1], [[5, 1, 1]], Traversal::Logical),
            [([0], [1], 5)]
        );
        assert_eq!(rows::<1, 0>([], [[]], Traversal::Logical), [([0], [0], 1)]);
        assert!(rows([3, 0], [[1, 1]], Traversal::Logical).is_empty());
    }

    #[test]
    fn orders_of_fresh_allocations() {
        assert_eq!(column_major_strides(&[2, 3, 4]), [1, 2, 6]);
        assert_eq!(column_major_strides::<0>(&[]), []);
        // A standard layout keeps row-major strides, length-1 axes included.
        assert_eq!(same_order_strides(&[2, 1, 3], &[3, 99, 1]), Some([3, 3, 1]));
        // Transposed and reversed: the same axis order, positive strides.
        assert_eq!(same_order_strides(&[3, 2], &[1, 3]), Some([1, 3]));
        assert_eq!(same_order_strides(&[3, 2], &[-1, 3]), Some([1, 3]));
        assert_eq!(same_order_strides(&[2, 3], &[-3, -1]), Some([3, 1]));
        // Not one block: strided or broadcast.
        assert_eq!(same_order_strides(&[2, 3], &[6, 1]), None);
        assert_eq!(same_order_strides(&[2, 3], &[0, 1]), None);
        // Empty: row-major.
        assert_eq!(same_order_strides(&[0, 3], &[9, -9]), Some([3, 1]));
    }

    #[test]
    fn memory_blocks() {
        assert_eq!(memory_block(&[2, 3], &[3, 1]), Some((0, 6)));
        assert_eq!(memory_block(&[2, 3], &[1, 2]), Some((0, 6)));
        assert_eq!(memory_block(&[2, 3], &[-3, 1]), Some((-3, 6)));
        assert_eq!(memory_block(&[2, 3], &[6, 1]), None);
        assert_eq!(memory_block(&[2, 3], &[0, 1]), None);
        assert_eq!(memory_block(&[0, 3], &[9, 9]), Some((0, 0)));
    }

    #[test]
    fn broadcasting() {
        assert_eq!(broadcast_strides(&[2, 3], &[1, 3], &[3, 1]), Some([0, 1]));
        assert_eq!(broadcast_strides(&[2, 3], &[2, 1], &[1, 1]), Some([1, 0]));
        assert_eq!(broadcast_strides(&[1, 3], &[2, 3], &[3, 1]), None);
        assert_eq!(broadcast_shape(&[2, 1], &[1, 3]), Some([2, 3]));
        assert_eq!(broadcast_shape(&[2, 4], &[1, 3]), None);
    }

    #[test]
    fn standard_layout() {
        assert!(is_standard(&[2, 3], &[3, 1]));
        assert!(!is_standard(&[2, 3], &[1, 2]));
        assert!(is_standard(&[1, 3], &[99, 1]));
        assert!(is_standard(&[0, 3], &[7, 7]));
        assert_eq!(offset_of(&[2, 3], &[3, 1], &[1, 2]), Some(5));
        assert_eq!(offset_of(&[2, 3], &[3, 1], &[2, 0]), None);
    }
}
