//! Zero-copy conversion between bumper arrays and ndarray views, both ways,
//! through raw parts (ndarray is a dev-dependency only: the library does not
//! depend on it). The recipe is in the crate docs ("Interop with ndarray").

use bumper::{ArrayView, PtrArray};
use ndarray::{Array2, ShapeBuilder};

/// bumper -> ndarray: same elements, shape and strides. ndarray's
/// constructor takes non-negative strides, so a reversed axis is built
/// forwards from its far end and inverted afterwards.
fn to_ndarray<'a, T>(v: ArrayView<'a, T, 2>) -> ndarray::ArrayView2<'a, T> {
    let (shape, strides) = (v.shape(), v.strides());
    let mut low = v.as_ptr();
    for (&len, &stride) in shape.iter().zip(&strides) {
        if stride < 0 && len > 0 {
            // SAFETY: the last index of this axis is in bounds.
            low = unsafe { low.offset(stride * (len as isize - 1)) };
        }
    }
    let abs = strides.map(|s| s.unsigned_abs());
    // SAFETY: the bumper view guarantees these elements are valid and shared
    // for 'a; ndarray gets the same layout with every axis forwards.
    let mut nd = unsafe { ndarray::ArrayView2::from_shape_ptr(shape.strides(abs), low) };
    for (k, &stride) in strides.iter().enumerate() {
        if stride < 0 {
            nd.invert_axis(ndarray::Axis(k));
        }
    }
    nd
}

/// ndarray -> bumper.
fn from_ndarray<'a, T>(v: ndarray::ArrayView2<'a, T>) -> ArrayView<'a, T, 2> {
    let s = v.strides();
    // SAFETY: the ndarray view guarantees these elements are valid and shared
    // for 'a; bumper gets exactly the same layout.
    unsafe { ArrayView::from_raw_parts(v.as_ptr(), [v.nrows(), v.ncols()], [s[0], s[1]]) }
}

#[test]
fn bumper_to_ndarray_and_back_without_copying() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([3, 4], |[i, j]| (10 * i + j) as f64);
        let nd = to_ndarray(a.view());
        assert_eq!(nd.as_ptr(), a.as_ptr());
        assert_eq!(nd[[2, 3]], 23.0);
        assert_eq!(nd.sum(), a.iter().sum::<f64>());

        // A transposed, reversed view keeps its strides across.
        let t = a.t().slice_axis_step(0, .., -1);
        let nd_t = to_ndarray(t);
        assert_eq!(nd_t.shape(), &[4, 3]);
        assert_eq!(nd_t.iter().copied().collect::<Vec<_>>(), t.to_vec());

        let back = from_ndarray(nd_t);
        assert_eq!(back.to_vec(), t.to_vec());
        assert_eq!(back.as_ptr(), t.as_ptr());
    });
}

#[test]
fn ndarray_to_bumper_mutable() {
    let mut nd = Array2::<i32>::zeros((2, 3));
    let (shape, strides) = ([nd.nrows(), nd.ncols()], [nd.strides()[0], nd.strides()[1]]);
    // SAFETY: `nd` is borrowed mutably for the lifetime of `a` and its layout
    // has no repeated elements.
    let mut a = unsafe { PtrArray::from_raw_parts_mut(nd.as_mut_ptr(), shape, strides) };
    a[[1, 2]] = 5;
    a += 1;
    assert_eq!(nd, ndarray::arr2(&[[1, 1, 1], [1, 1, 6]]));
}
