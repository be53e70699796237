//! Bad input to the array API: each gives the documented panic message or
//! `ShapeError`, and the arrays involved are unchanged and usable after.

mod common;
use bumper::array::{ShapeError, Slice};
use bumper::ArrayView;
use common::panic_message;

#[test]
fn view_bounds_panic_with_the_numbers() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
        assert_eq!(
            panic_message(|| {
                a.slice_axis(1, 2..5);
            }),
            "slice 2..5 is out of bounds for axis 1 of length 3"
        );
        assert_eq!(
            panic_message(|| {
                a.slice_axis(2, ..);
            }),
            "slice_axis: axis 2 is out of bounds for a rank-2 array"
        );
        assert_eq!(
            panic_message(|| {
                a.slice_axis_step(0, .., 0);
            }),
            "Slice::step_by: the step must not be 0"
        );
        assert_eq!(
            panic_message(|| {
                a.index_axis::<1>(0, 2);
            }),
            "index_axis: index 2 is out of bounds for axis 0 of length 2"
        );
        assert_eq!(
            panic_message(|| {
                a.permuted_axes([1, 1]);
            }),
            "permuted_axes: [1, 1] is not a permutation of the 2 axes"
        );
        assert_eq!(
            panic_message(|| {
                a.view().split_at(1, 4);
            }),
            "split_at: index 4 is out of bounds for axis 1 of length 3"
        );
        assert_eq!(
            panic_message(|| {
                a.slice([Slice::from(3..), Slice::from(..)]);
            }),
            "slice 3.. is out of bounds for axis 0 of length 2"
        );
        // The array is untouched and still usable.
        assert_eq!(a.to_vec(), [0, 1, 2, 10, 11, 12]);
    });
}

#[test]
fn reshape_and_broadcast_errors() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
        assert_eq!(
            a.reshape([4, 2]).unwrap_err(),
            ShapeError::LengthMismatch {
                dims: vec![4, 2],
                expected: 8,
                actual: 6
            }
        );
        let err = a.t().reshape([6]).unwrap_err();
        assert_eq!(
            err,
            ShapeError::NotContiguous {
                shape: vec![3, 2],
                strides: vec![1, 3]
            }
        );
        assert_eq!(
            err.to_string(),
            "an array of shape [3, 2] with strides [1, 3] is not contiguous in row-major order; copy it first"
        );
        assert_eq!(
            a.broadcast_to([6]).unwrap_err(),
            ShapeError::RankTooLow { from: 2, to: 1 }
        );
        assert_eq!(
            a.broadcast_to([2, 2, 4]).unwrap_err(),
            ShapeError::Incompatible {
                left: vec![2, 2, 4],
                right: vec![2, 3]
            }
        );
        let empty = s.alloc::<i32, 1>([0]);
        assert!(empty.broadcast_to([3]).is_err(), "nothing to repeat");
        assert_eq!(empty.broadcast_to([2, 0]).unwrap().len(), 0);
        assert_eq!(
            ArrayView::from_slice([2, 2], &[1, 2, 3])
                .unwrap_err()
                .to_string(),
            "shape [2, 2] holds 4 elements but 3 were given"
        );
        assert_eq!(a.to_vec(), [0, 1, 2, 10, 11, 12]);
    });
}

#[test]
fn incompatible_elementwise_operations() {
    bumper::no_escape(|s| {
        let mut a = s.alloc_filled([2, 3], 1);
        let b = s.alloc_filled([3, 2], 5);
        let err = a.try_assign(&b).unwrap_err();
        assert_eq!(
            err,
            ShapeError::Incompatible {
                left: vec![2, 3],
                right: vec![3, 2]
            }
        );
        assert_eq!(a.to_vec(), [1; 6], "a failed assign changes nothing");
        // In place, the left side cannot grow: [1, 3] += [2, 3] is an error.
        let mut row = s.alloc_filled([1, 3], 0);
        let msg = panic_message(|| row += &a);
        assert_eq!(
            msg,
            "shapes [1, 3] and [2, 3] are not compatible: each axis must be equal or 1 in the right-hand shape"
        );
        // Producing a new array, both sides may broadcast.
        let sum = row.add_in(s, &a);
        assert_eq!(sum.shape(), [2, 3]);
        assert!(a.view().try_add_in(s, &b).is_err());
        let msg = panic_message(|| {
            a.zip_map_in(s, &b, |x, y| x + y);
        });
        assert!(
            msg.starts_with("shapes [2, 3] and [3, 2] are not compatible"),
            "{msg}"
        );
    });
}

#[test]
fn views_of_empty_arrays_keep_their_pointer() {
    // Regression (found by Miri in array_props): index_axis on an array that
    // is empty along another axis moved a dangling pointer.
    bumper::no_escape(|s| {
        let a = s.alloc::<u64, 3>([2, 0, 3]);
        let r = a.slice_axis_step(2, .., -1); // negative stride
        let row = r.index_axis::<2>(2, 2);
        assert_eq!((row.shape(), row.len()), ([2, 0], 0));
        assert_eq!(row.as_ptr(), a.as_ptr());
        let (l, rr) = r.split_at(0, 1);
        assert_eq!((l.len(), rr.len()), (0, 0));
    });
}
