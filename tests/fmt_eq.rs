//! `Display` (and the other element formatting traits), `PartialEq` / `Eq`
//! and, with the `approx` feature, approx's comparisons for arrays.

use bumper::{ArrayView, PtrArray};

/// ndarray's `Display` text for the same logical contents: the reference
/// our layout copies.
fn ndarray_text<T: Copy + std::fmt::Display, const N: usize>(
    v: ArrayView<'_, T, N>,
    spec: &str,
) -> String {
    let a = ndarray::Array::from_shape_vec(ndarray::IxDyn(&v.shape()), v.to_vec()).unwrap();
    match spec {
        "" => format!("{a}"),
        "#" => format!("{a:#}"),
        ".2" => format!("{a:.2}"),
        ">5" => format!("{a:>5}"),
        _ => unreachable!(),
    }
}

fn ours<T: std::fmt::Display, const N: usize>(v: ArrayView<'_, T, N>, spec: &str) -> String {
    match spec {
        "" => format!("{v}"),
        "#" => format!("{v:#}"),
        ".2" => format!("{v:.2}"),
        ">5" => format!("{v:>5}"),
        _ => unreachable!(),
    }
}

#[test]
fn display_by_rank() {
    bumper::no_escape(|s| {
        let scalar = s.alloc_filled([], 5_i32);
        assert_eq!(scalar.to_string(), "5");

        let row = s.alloc_from_slice([3], &[1, 2, 3]);
        assert_eq!(row.to_string(), "[1, 2, 3]");

        let m = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
        assert_eq!(m.to_string(), "[[1, 2],\n [3, 4]]");

        let m23 = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
        assert_eq!(m23.to_string(), "[[1, 2, 3],\n [4, 5, 6]]");

        let cube = s.alloc_with([2, 2, 2], |[i, j, k]| 4 * i + 2 * j + k + 1);
        assert_eq!(
            cube.to_string(),
            "[[[1, 2],\n  [3, 4]],\n\n [[5, 6],\n  [7, 8]]]"
        );

        let r4 = s.alloc_with([2, 1, 2, 1], |[i, _, k, _]| 2 * i + k);
        assert_eq!(r4.to_string(), "[[[[0],\n   [1]]],\n\n\n [[[2],\n   [3]]]]");
        assert_eq!(r4.to_string(), ndarray_text(r4.view(), ""));

        // PtrArray and ArrayView print the same.
        assert_eq!(cube.view().to_string(), cube.to_string());
    });
}

#[test]
fn display_of_views_follows_logical_order() {
    bumper::no_escape(|s| {
        let m = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
        assert_eq!(m.t().to_string(), "[[1, 4],\n [2, 5],\n [3, 6]]");
        assert_eq!(m.slice_axis(1, 1..).to_string(), "[[2, 3],\n [5, 6]]");
        assert_eq!(
            m.slice_axis_step(1, .., -1).to_string(),
            "[[3, 2, 1],\n [6, 5, 4]]"
        );
        assert_eq!(m.index_axis::<1>(0, 1).to_string(), "[4, 5, 6]");
        let row = s.alloc_from_slice([3], &[7, 8, 9]);
        let b = row.broadcast_to([2, 3]).unwrap();
        assert_eq!(b.to_string(), "[[7, 8, 9],\n [7, 8, 9]]");

        let cube = s.alloc_with([2, 3, 4], |[i, j, k]| 100 * i + 10 * j + k);
        let p = cube.permuted_axes([2, 0, 1]);
        assert_eq!(p.to_string(), ndarray_text(p, ""));
    });
}

#[test]
fn display_honours_element_flags() {
    bumper::no_escape(|s| {
        let x = s.alloc_from_slice([2, 2], &[1.0, 2.5, -3.25, 4.0]);
        assert_eq!(format!("{x:.2}"), "[[1.00, 2.50],\n [-3.25, 4.00]]");
        assert_eq!(format!("{x:>6}"), "[[     1,    2.5],\n [ -3.25,      4]]");
        assert_eq!(format!("{x:+.1}"), "[[+1.0, +2.5],\n [-3.2, +4.0]]");
        assert_eq!(
            format!("{:<4}|", x.view()),
            "[[1   , 2.5 ],\n [-3.25, 4   ]]|"
        );
        assert_eq!(format!("{x:e}"), "[[1e0, 2.5e0],\n [-3.25e0, 4e0]]");
        assert_eq!(format!("{x:.1E}"), "[[1.0E0, 2.5E0],\n [-3.2E0, 4.0E0]]");

        let bytes = s.alloc_from_slice([3], &[1_u8, 10, 255]);
        assert_eq!(format!("{bytes:02x}"), "[01, 0a, ff]");
        assert_eq!(format!("{bytes:X}"), "[1, A, FF]");
        assert_eq!(format!("{bytes:#b}"), "[0b1, 0b1010, 0b11111111]");

        let scalar = s.alloc_filled([], 0.5_f32);
        assert_eq!(format!("{scalar:.3}"), "0.500");
        assert_eq!(format!("{scalar:>5}"), "  0.5");

        for spec in [".2", ">5"] {
            assert_eq!(ours(x.view(), spec), ndarray_text(x.view(), spec));
            assert_eq!(ours(x.t(), spec), ndarray_text(x.t(), spec));
        }
    });
}

#[test]
fn display_of_empty_arrays() {
    bumper::no_escape(|s| {
        assert_eq!(s.alloc::<i32, 1>([0]).to_string(), "[]");
        assert_eq!(s.alloc::<i32, 2>([2, 0]).to_string(), "[[]]");
        assert_eq!(s.alloc::<i32, 2>([0, 3]).to_string(), "[[]]");
        assert_eq!(s.alloc::<i32, 3>([2, 0, 3]).to_string(), "[[[]]]");
        let e = s.alloc::<f64, 2>([3, 0]);
        assert_eq!(e.to_string(), ndarray_text(e.view(), ""));
        let m = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
        assert_eq!(m.slice_axis(0, 1..1).to_string(), "[[]]");
    });
}

#[test]
fn display_summarises_large_arrays_like_ndarray() {
    // Miri is slow: the smallest summarised sizes there, more natively.
    bumper::no_escape(|s| {
        let n = if cfg!(miri) { 500 } else { 1000 };
        let long = s.alloc_with([n], |[i]| i);
        let (a, b, c, d, e) = (n - 5, n - 4, n - 3, n - 2, n - 1);
        assert_eq!(
            long.to_string(),
            format!("[0, 1, 2, 3, 4, ..., {a}, {b}, {c}, {d}, {e}]")
        );
        assert_eq!(long.to_string(), ndarray_text(long.view(), ""));

        if !cfg!(miri) {
            // `#` prints every element.
            assert_eq!(format!("{long:#}").matches(", ").count(), n - 1);
            assert_eq!(format!("{long:#}"), ndarray_text(long.view(), "#"));
            // Just under the threshold: everything.
            let under = s.alloc_with([499], |[i]| i);
            assert!(!under.to_string().contains("..."));
        }

        let shapes: &[[usize; 3]] = if cfg!(miri) {
            &[[8, 8, 8]]
        } else {
            &[[30, 30, 1], [3, 20, 20], [8, 8, 8], [1, 2, 500]]
        };
        for &shape in shapes {
            let a = s.alloc_with(shape, |[i, j, k]| i * 10000 + j * 100 + k);
            assert_eq!(a.to_string(), ndarray_text(a.view(), ""), "{shape:?}");
            let p = a.permuted_axes([1, 2, 0]);
            assert_eq!(p.to_string(), ndarray_text(p, ""), "{shape:?} permuted");
        }
    });
}

/// The elision itself, on a small example: the rows of a 25x25 matrix.
#[test]
fn display_summarised_matrix_text() {
    bumper::no_escape(|s| {
        let m = s.alloc_with([25, 25], |[i, j]| if i == j { 1 } else { 0 });
        let text = m.to_string();
        let lines: Vec<&str> = text.lines().collect();
        // 5 rows, the ellipsis, 5 rows.
        assert_eq!(lines.len(), 11);
        assert_eq!(lines[0], "[[1, 0, 0, 0, 0, ..., 0, 0, 0, 0, 0],");
        assert_eq!(lines[5], " ...,");
        assert_eq!(lines[10], " [0, 0, 0, 0, 0, ..., 0, 0, 0, 0, 1]]");
    });
}

#[test]
fn partial_eq_across_layouts_and_kinds() {
    bumper::no_escape(|s| {
        let m = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
        let mt = s.alloc_from_slice([3, 2], &[1, 4, 2, 5, 3, 6]);
        // Transposed view == row-major copy, in all four combinations.
        assert_eq!(m.t(), mt.view());
        assert_eq!(mt, m.t());
        assert_eq!(m.t(), mt);
        let m2 = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
        assert_eq!(m, m2);
        assert!(m == m2 && m.view() == m2.view() && m == m2.view() && m.view() == m2);

        // Same data, other shape: not equal.
        let flat = s.alloc_from_slice([3, 2], &[1, 2, 3, 4, 5, 6]);
        assert_ne!(m.view(), flat.view());
        assert_ne!(m, flat);
        // One element differs.
        let mut m3 = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
        m3[[1, 2]] = 0;
        assert_ne!(m, m3);
        assert_ne!(m.view(), m3);

        // Strided and broadcast views.
        let row = s.alloc_from_slice([3], &[1, 2, 3]);
        let stacked = s.alloc_from_slice([2, 3], &[1, 2, 3, 1, 2, 3]);
        assert_eq!(row.broadcast_to([2, 3]).unwrap(), stacked);
        assert_eq!(
            m.slice_axis_step(1, .., 2),
            s.alloc_from_slice([2, 2], &[1, 3, 4, 6])
        );
        assert_eq!(
            m.slice_axis_step(0, .., -1).index_axis::<1>(0, 0),
            m.index_axis::<1>(0, 1)
        );

        // Rank 0 and empty arrays.
        assert_eq!(s.alloc_filled([], 3_u8), s.alloc_filled([], 3_u8));
        assert_ne!(s.alloc_filled([], 3_u8), s.alloc_filled([], 4_u8));
        assert_eq!(s.alloc::<u8, 2>([0, 3]), s.alloc::<u8, 2>([0, 3]));
        assert_ne!(s.alloc::<u8, 2>([0, 3]), s.alloc::<u8, 2>([3, 0]));

        // NaN is not equal to itself, so neither are arrays holding it.
        let nan = s.alloc_filled([2], f64::NAN);
        assert_ne!(nan, nan);
    });
}

#[test]
fn partial_eq_across_element_types() {
    let owned = [String::from("a"), String::from("b")];
    let strings = ArrayView::from_slice([2], &owned).unwrap();
    bumper::no_escape(|s| {
        let strs: PtrArray<'_, &str, 1> = s.alloc_from_slice([2], &["a", "b"]);
        assert!(strings == strs);
        assert!(strings == strs.view());
        let other: PtrArray<'_, &str, 1> = s.alloc_from_slice([2], &["a", "c"]);
        assert!(strings != other);
    });
}

#[test]
fn eq_for_eq_elements() {
    fn assert_eq_impl<E: Eq>(_: &E) {}
    bumper::no_escape(|s| {
        let a = s.alloc::<i64, 3>([1, 2, 3]);
        assert_eq_impl(&a);
        assert_eq_impl(&a.view());
    });
}

#[cfg(feature = "approx")]
mod approx_tests {
    use approx::{
        assert_abs_diff_eq, assert_abs_diff_ne, assert_relative_eq, assert_relative_ne,
        assert_ulps_eq, assert_ulps_ne, AbsDiffEq, RelativeEq, UlpsEq,
    };

    #[test]
    fn abs_diff_eq() {
        bumper::no_escape(|s| {
            let a = s.alloc_from_slice([2, 2], &[0.0_f32, 2.0, -0.000010001, 100000000.0]);
            let mut b = s.alloc_from_slice([2, 2], &[0.0_f32, 1.0, -0.000010002, 100000001.0]);
            assert_abs_diff_ne!(a, b);
            b[[0, 1]] = 2.0;
            assert_abs_diff_eq!(a, b);
            assert_abs_diff_eq!(a.view(), b.view());
            assert_abs_diff_eq!(a, b.view());
            assert_abs_diff_eq!(a.view(), b);

            let z = s.alloc_filled([1], 0.0_f32);
            let tiny = s.alloc_filled([1], 1e-40_f32);
            assert_abs_diff_eq!(z, tiny, epsilon = 1e-40_f32);
            assert_abs_diff_ne!(z, tiny, epsilon = 1e-41_f32);
        });
    }

    #[test]
    fn across_layouts() {
        bumper::no_escape(|s| {
            let m = s.alloc_from_slice([2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
            let mt = s.alloc_from_slice([3, 2], &[1.0, 4.0, 2.0 + 1e-12, 5.0, 3.0, 6.0]);
            assert_abs_diff_eq!(m.t(), mt.view(), epsilon = 1e-9);
            assert_relative_eq!(mt, m.t(), max_relative = 1e-9);
            assert_ulps_eq!(m.t(), mt, epsilon = 1e-9);
            assert_ulps_ne!(m.t(), mt, epsilon = 0.0, max_ulps = 0);
        });
    }

    #[test]
    fn relative_eq() {
        bumper::no_escape(|s| {
            let a = s.alloc_from_slice([3], &[1.0e8_f64, 1.0, 0.0]);
            let b = s.alloc_from_slice([3], &[1.0e8_f64 + 1.0, 1.0, 1e-20]);
            assert_relative_eq!(a, b, max_relative = 1e-7);
            assert_relative_ne!(a, b, max_relative = 1e-9);
            assert_relative_eq!(a.view(), b.view(), max_relative = 1e-7);
        });
    }

    #[test]
    fn ulps_eq() {
        bumper::no_escape(|s| {
            let x = 1.0_f64;
            let a = s.alloc_from_slice([2], &[x, 2.0]);
            let b = s.alloc_from_slice([2], &[x + f64::EPSILON, 2.0]);
            assert_ne!(a, b);
            assert_ulps_eq!(a, b, max_ulps = 1);
            assert_ulps_ne!(a, b, epsilon = 0.0, max_ulps = 0);
            assert_ulps_eq!(a.view(), b, max_ulps = 1);
        });
    }

    #[test]
    fn shape_mismatch_is_not_equal() {
        bumper::no_escape(|s| {
            let a = s.alloc_filled([2, 3], 1.0_f64);
            let b = s.alloc_filled([3, 2], 1.0_f64);
            let e = f64::INFINITY;
            assert!(!a.abs_diff_eq(&b, e));
            assert!(!a.view().abs_diff_eq(&b.view(), e));
            assert!(!a.relative_eq(&b.view(), e, e));
            assert!(!a.view().ulps_eq(&b, e, u32::MAX));
            assert_abs_diff_ne!(a, b);
            assert_relative_ne!(a.view(), b.view());
            assert_ulps_ne!(a, b);
            // Same element count, transposed shape: still not equal; the transpose is.
            assert_abs_diff_eq!(a.t(), b.view());
            // Empty arrays of different shapes.
            let e1 = s.alloc::<f64, 2>([0, 2]);
            let e2 = s.alloc::<f64, 2>([2, 0]);
            assert_abs_diff_ne!(e1, e2);
            assert_abs_diff_eq!(e1, s.alloc::<f64, 2>([0, 2]));
        });
    }
}
