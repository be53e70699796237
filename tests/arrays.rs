//! Array behaviour a user sees, with concrete values: allocation order,
//! iteration order, views, `Debug` output. (The views, elementwise ops and
//! reductions of the arrays issue get their own suites.)

use bumper::{ArrayView, Buffer, SlabBuffer};

#[test]
fn alloc_with_visits_indices_in_row_major_order() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3, 2], |[i, j, k]| 100 * i + 10 * j + k);
        assert_eq!(
            a.to_vec(),
            [0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121]
        );
        assert_eq!(a.strides(), [6, 2, 1]);
        assert_eq!(a[[1, 2, 0]], 120);

        let mut calls = 0;
        let empty = s.alloc_with([3, 0], |_| {
            calls += 1;
            1u8
        });
        assert_eq!((empty.len(), calls), (0, 0));

        let scalar = s.alloc_with([], |[]| 5.5_f32);
        assert_eq!((scalar.len(), scalar[[]]), (1, 5.5));
    });
}

#[test]
fn iteration_and_indexing_agree() {
    bumper::no_escape(|s| {
        let a = s.alloc_from_slice([2, 2, 2], &[1, 2, 3, 4, 5, 6, 7, 8]);
        let by_index: Vec<i32> = (0..2)
            .flat_map(|i| (0..2).flat_map(move |j| (0..2).map(move |k| [i, j, k])))
            .map(|idx| a[idx])
            .collect();
        assert_eq!(by_index, a.iter().copied().collect::<Vec<_>>());
        assert_eq!(a.iter().len(), 8);
        assert_eq!(a.as_slice(), Some(&[1, 2, 3, 4, 5, 6, 7, 8][..]));
    });
}

#[test]
fn views_read_the_same_data() {
    let buf = SlabBuffer::<4096>::new();
    let mut a = buf.alloc_from_slice([2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    a[[0, 0]] = 10.0;
    let v: ArrayView<'_, f64, 2> = (&a).into();
    let w = v; // Copy
    assert_eq!(v.get([0, 0]), Some(&10.0));
    assert_eq!(w.to_vec(), [10.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    assert_eq!((v.shape(), v.strides(), v.len()), ([2, 3], [3, 1], 6));
    assert_eq!(v.as_ptr(), a.as_ptr());
}

#[test]
fn debug_shows_shape_strides_and_data() {
    bumper::no_escape(|s| {
        let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
        assert_eq!(
            format!("{a:?}"),
            "PtrArray { shape: [2, 2], strides: [2, 1], data: [1, 2, 3, 4] }"
        );
        assert_eq!(
            format!("{:?}", a.view()),
            "ArrayView { shape: [2, 2], strides: [2, 1], data: [1, 2, 3, 4] }"
        );
    });
}

#[test]
fn view_mut_reborrows() {
    fn double(mut a: bumper::PtrArray<'_, u32, 1>) {
        a.iter_mut().for_each(|x| *x *= 2);
    }
    bumper::no_escape(|s| {
        let mut a = s.alloc_from_slice([3], &[1, 2, 3]);
        double(a.view_mut());
        double(a.view_mut());
        assert_eq!(a.to_vec(), [4, 8, 12]);
    });
}

#[test]
fn strided_iteration_in_logical_order() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([3, 4], |[i, j]| 10 * i + j);
        let t = a.t(); // 4x3, strides [1, 4]
        let expect = [0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23];
        assert_eq!(t.iter().copied().collect::<Vec<_>>(), expect);
        // fold from the start walks rows; after next() it goes element-wise.
        assert_eq!(t.iter().fold(0, |acc, &x| acc * 3 % 1_000_003 + x), {
            expect.iter().fold(0, |acc, &x| acc * 3 % 1_000_003 + x)
        });
        let mut it = t.iter();
        assert_eq!(it.next(), Some(&0));
        assert_eq!(it.len(), 11);
        assert_eq!(it.copied().collect::<Vec<_>>(), expect[1..]);
        let rev = a.slice_axis_step(1, .., -2); // columns 3 and 1
        assert_eq!(rev.iter().sum::<usize>(), 3 + 1 + 13 + 11 + 23 + 21);
    });
}
