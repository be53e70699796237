//! Shapes and strides: the arithmetic every array shares.
//!
//! Strides are in elements and signed; row-major (C order) is the layout of
//! every allocation: the last axis has stride 1.

use crate::buffer::AllocError;

/// Number of elements of `dims`, or `None` on overflow.
#[inline]
pub(crate) fn checked_len<const N: usize>(dims: &[usize; N]) -> Option<usize> {
    dims.iter().try_fold(1usize, |acc, &d| acc.checked_mul(d))
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
