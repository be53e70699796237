//! `Debug`, `Display` (and the other element formatting traits) and
//! equality for arrays.

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

// ---- Display and friends ---------------------------------------------------

/// Arrays with at least this many elements are summarised (as ndarray does):
/// long axes show their first and last few entries around `...`. The
/// alternate flag (`{:#}`) prints everything.
const ELIDE_FROM_LEN: usize = 500;
/// Entries shown (around the ellipsis) on an axis that is neither of the
/// last two, in a summarised array.
const AXIS_LIMIT_STACKED: usize = 6;
/// Entries shown on the next-to-last axis (printed as a column).
const AXIS_LIMIT_COL: usize = 11;
/// Entries shown on the last axis (printed as a row).
const AXIS_LIMIT_ROW: usize = 11;
/// What stands for the elided entries.
const ELLIPSIS: &str = "...";

/// How many entries each axis may show before it is elided.
struct Limits {
    /// Per axis position counted from the last axis: `[last, next-to-last, others]`.
    by_rindex: [usize; 3],
}

impl Limits {
    fn for_array(len: usize, show_all: bool) -> Self {
        if show_all || len < ELIDE_FROM_LEN {
            Limits {
                by_rindex: [usize::MAX; 3],
            }
        } else {
            Limits {
                by_rindex: [AXIS_LIMIT_ROW, AXIS_LIMIT_COL, AXIS_LIMIT_STACKED],
            }
        }
    }

    /// The limit for the axis `rindex` places before the last one.
    fn axis(&self, rindex: usize) -> usize {
        self.by_rindex[rindex.min(2)]
    }
}

/// Writes `len` entries separated by `sep`; past `limit` entries, only the
/// first and last `limit / 2` around an ellipsis (ndarray's rule).
fn write_entries(
    f: &mut fmt::Formatter<'_>,
    len: usize,
    limit: usize,
    sep: &dyn Fn(&mut fmt::Formatter<'_>) -> fmt::Result,
    entry: &mut dyn FnMut(&mut fmt::Formatter<'_>, usize) -> fmt::Result,
) -> fmt::Result {
    if len == 0 {
        return Ok(());
    }
    if len <= limit {
        entry(f, 0)?;
        for i in 1..len {
            sep(f)?;
            entry(f, i)?;
        }
    } else {
        let edge = limit / 2;
        entry(f, 0)?;
        for i in 1..edge {
            sep(f)?;
            entry(f, i)?;
        }
        sep(f)?;
        f.write_str(ELLIPSIS)?;
        for i in len - edge..len {
            sep(f)?;
            entry(f, i)?;
        }
    }
    Ok(())
}

/// The nested-rows text of an array (ndarray's layout), each element
/// written by `elem` with the caller's formatter, so width, precision and
/// other flags apply to every element.
fn write_nested<T, const N: usize>(
    f: &mut fmt::Formatter<'_>,
    v: ArrayView<'_, T, N>,
    elem: fn(&T, &mut fmt::Formatter<'_>) -> fmt::Result,
) -> fmt::Result {
    if v.is_empty() {
        // Like ndarray: as many brackets as axes, whatever the lengths.
        for _ in 0..N {
            f.write_str("[")?;
        }
        for _ in 0..N {
            f.write_str("]")?;
        }
        return Ok(());
    }
    let limits = Limits::for_array(v.len(), f.alternate());
    let mut index = [0usize; N];
    write_axis(f, v, elem, &limits, &mut index, 0)
}

/// Writes the sub-array at `index[..depth]` (the entries from `depth` on
/// are scratch).
fn write_axis<T, const N: usize>(
    f: &mut fmt::Formatter<'_>,
    v: ArrayView<'_, T, N>,
    elem: fn(&T, &mut fmt::Formatter<'_>) -> fmt::Result,
    limits: &Limits,
    index: &mut [usize; N],
    depth: usize,
) -> fmt::Result {
    if depth == N {
        // Only reached for rank 0: the element alone.
        return elem(&v[*index], f);
    }
    let rindex = N - 1 - depth;
    let len = v.shape()[depth];
    f.write_str("[")?;
    if rindex == 0 {
        // A row: "[a, b, c]".
        write_entries(
            f,
            len,
            limits.axis(0),
            &|f| f.write_str(", "),
            &mut |f, i| {
                index[depth] = i;
                elem(&v[*index], f)
            },
        )?;
    } else {
        // Stacked sub-arrays: one per line, indented past the brackets,
        // with `rindex - 1` blank lines between blocks of rank >= 2.
        let sep = |f: &mut fmt::Formatter<'_>| {
            f.write_str(",\n")?;
            for _ in 1..rindex {
                f.write_str("\n")?;
            }
            for _ in 0..=depth {
                f.write_str(" ")?;
            }
            Ok(())
        };
        write_entries(f, len, limits.axis(rindex), &sep, &mut |f, i| {
            index[depth] = i;
            write_axis(f, v, elem, limits, index, depth + 1)
        })?;
    }
    f.write_str("]")
}

/// Implements a formatting trait for both array types by writing the nested
/// rows with that trait's formatting of each element.
macro_rules! nested_fmt {
    ($trait:ident, $example:literal) => {
        /// Nested rows like ndarray's, each element formatted with
        #[doc = concat!("`", stringify!($trait), "`")]
        /// and the formatter's flags (width, precision, sign, ...). Arrays of
        /// 500 elements or more are summarised with `...` (the first and last
        /// few entries of each long axis, as in ndarray); the alternate flag
        /// `#` prints every element.
        ///
        /// ```
        #[doc = $example]
        /// ```
        impl<T: fmt::$trait, const N: usize> fmt::$trait for ArrayView<'_, T, N> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_nested(f, *self, <T as fmt::$trait>::fmt)
            }
        }

        /// As for [`ArrayView`]: nested rows like ndarray's, each element
        #[doc = concat!("formatted with `", stringify!($trait), "` and the formatter's flags.")]
        ///
        /// ```
        #[doc = $example]
        /// ```
        impl<T: fmt::$trait, const N: usize> fmt::$trait for PtrArray<'_, T, N> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write_nested(f, self.view(), <T as fmt::$trait>::fmt)
            }
        }
    };
}

nested_fmt!(
    Display,
    r#"bumper::no_escape(|s| {
    let m = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
    assert_eq!(m.to_string(), "[[1, 2, 3],\n [4, 5, 6]]");
    assert_eq!(m.t().to_string(), "[[1, 4],\n [2, 5],\n [3, 6]]");
    let x = s.alloc_from_slice([2], &[0.5, 1.25]);
    assert_eq!(format!("{x:.2}"), "[0.50, 1.25]");
    assert_eq!(format!("{:>4}", x.view()), "[ 0.5, 1.25]");
    let cube = s.alloc_with([2, 1, 2], |[i, _, k]| 2 * i + k);
    assert_eq!(cube.to_string(), "[[[0, 1]],\n\n [[2, 3]]]");
});"#
);
nested_fmt!(
    LowerExp,
    r#"bumper::no_escape(|s| {
    let x = s.alloc_from_slice([2], &[1500.0, 0.25]);
    assert_eq!(format!("{x:e}"), "[1.5e3, 2.5e-1]");
});"#
);
nested_fmt!(
    UpperExp,
    r#"bumper::no_escape(|s| {
    let x = s.alloc_from_slice([2], &[1500.0, 0.25]);
    assert_eq!(format!("{x:.1E}"), "[1.5E3, 2.5E-1]");
});"#
);
nested_fmt!(
    LowerHex,
    r#"bumper::no_escape(|s| {
    let x = s.alloc_from_slice([2, 2], &[10_u8, 11, 255, 0]);
    assert_eq!(format!("{x:02x}"), "[[0a, 0b],\n [ff, 00]]");
});"#
);
nested_fmt!(
    UpperHex,
    r#"bumper::no_escape(|s| {
    let x = s.alloc_from_slice([3], &[10_u8, 11, 255]);
    assert_eq!(format!("{x:X}"), "[A, B, FF]");
});"#
);
nested_fmt!(
    Binary,
    r#"bumper::no_escape(|s| {
    let x = s.alloc_from_slice([2], &[5_u8, 2]);
    assert_eq!(format!("{x:04b}"), "[0101, 0010]");
});"#
);

// ---- Equality --------------------------------------------------------------

/// Whether `a` and `b` have the same shape and `eq` holds for every pair of
/// elements at the same index (in logical order; layouts may differ).
pub(super) fn all_pairs<T, U, const N: usize>(
    a: ArrayView<'_, T, N>,
    b: ArrayView<'_, U, N>,
    mut eq: impl FnMut(&T, &U) -> bool,
) -> bool {
    if a.shape() != b.shape() {
        return false;
    }
    match (a.as_slice(), b.as_slice()) {
        // Same shape and both row-major contiguous: the same length.
        (Some(x), Some(y)) => x.iter().zip(y).all(|(x, y)| eq(x, y)),
        _ => a.iter().zip(b.iter()).all(|(x, y)| eq(x, y)),
    }
}

/// `PartialEq` between the two array types, in every combination.
macro_rules! array_eq {
    ($lhs:ident, $rhs:ident, $example:literal) => {
        /// Equal when the shapes are equal and so is every pair of elements
        /// at the same index. Layouts may differ: a transposed view equals a
        /// row-major copy of it. Element types may differ when `T: PartialEq<U>`.
        ///
        /// ```
        #[doc = $example]
        /// ```
        impl<'a, 'b, T, U, const N: usize> PartialEq<$rhs<'b, U, N>> for $lhs<'a, T, N>
        where
            T: PartialEq<U>,
        {
            fn eq(&self, other: &$rhs<'b, U, N>) -> bool {
                all_pairs(self.view(), other.view(), |x, y| x == y)
            }
        }
    };
}

array_eq!(
    ArrayView,
    ArrayView,
    r#"bumper::no_escape(|s| {
    let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
    let at = s.alloc_from_slice([2, 2], &[1, 3, 2, 4]);
    assert_eq!(a.view(), at.t());
    assert_ne!(a.view(), at.view());
    assert_ne!(a.view(), a.slice_axis(0, 0..1)); // shapes differ
});"#
);
array_eq!(
    PtrArray,
    PtrArray,
    r#"bumper::no_escape(|s| {
    let a = s.alloc_from_slice([3], &[1, 2, 3]);
    let mut b = s.alloc_from_slice([3], &[1, 2, 3]);
    assert_eq!(a, b);
    b[[2]] = 0;
    assert_ne!(a, b);
});"#
);
array_eq!(
    PtrArray,
    ArrayView,
    r#"bumper::no_escape(|s| {
    let a = s.alloc_from_slice([2, 2], &[1, 3, 2, 4]);
    let b = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
    assert_eq!(a, b.t());
});"#
);
array_eq!(
    ArrayView,
    PtrArray,
    r#"bumper::no_escape(|s| {
    let a = s.alloc_from_slice([2], &[1.0_f64, 2.0]);
    let b = s.alloc_from_slice([2], &[1.0_f64, 2.0]);
    assert_eq!(a.view(), b);
});"#
);

/// `==` on arrays of an `Eq` element type is an equivalence relation.
///
/// ```
/// fn is_eq<E: Eq>(_: &E) {}
/// bumper::no_escape(|s| is_eq(&s.alloc::<i32, 2>([2, 2]).view()));
/// ```
impl<T: Eq, const N: usize> Eq for ArrayView<'_, T, N> {}

/// `==` on arrays of an `Eq` element type is an equivalence relation.
///
/// ```
/// fn is_eq<E: Eq>(_: &E) {}
/// bumper::no_escape(|s| is_eq(&s.alloc::<i32, 2>([2, 2])));
/// ```
impl<T: Eq, const N: usize> Eq for PtrArray<'_, T, N> {}
