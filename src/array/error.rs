//! [`ShapeError`]: why shapes, layouts or data do not fit together.

use core::fmt;

/// Why an array operation cannot use the shapes or layout it was given.
///
/// Returned by the `try_` forms of broadcasting operations, by
/// [`reshape`](crate::ArrayView::reshape), [`broadcast_to`](crate::ArrayView::broadcast_to)
/// and [`ArrayView::from_slice`](crate::ArrayView::from_slice); the
/// operators and other panicking forms panic with its message.
///
/// ```
/// use bumper::array::ShapeError;
///
/// bumper::no_escape(|s| {
///     let mut a = s.alloc::<f64, 2>([2, 3]);
///     let b = s.alloc::<f64, 2>([2, 2]);
///     let err = a.try_assign(&b).unwrap_err();
///     assert_eq!(err, ShapeError::Incompatible { left: vec![2, 3], right: vec![2, 2] });
///     assert_eq!(
///         err.to_string(),
///         "shapes [2, 3] and [2, 2] are not compatible: each axis must be equal or 1 in the right-hand shape"
///     );
/// });
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ShapeError {
    /// Two shapes cannot be broadcast together: per axis, the sizes must be
    /// equal or the right-hand one must be 1 (either one, for operations
    /// that produce a new array).
    Incompatible {
        /// Shape of the left-hand (receiving) array.
        left: Vec<usize>,
        /// Shape of the right-hand array.
        right: Vec<usize>,
    },
    /// An operation without broadcasting (such as `dot`) needs two arrays
    /// of exactly the same shape.
    ShapeMismatch {
        /// Shape of the left-hand array.
        left: Vec<usize>,
        /// Shape of the right-hand array.
        right: Vec<usize>,
    },
    /// The number of elements of `dims` is not the number of elements given.
    LengthMismatch {
        /// The requested shape.
        dims: Vec<usize>,
        /// Elements the shape holds.
        expected: usize,
        /// Elements available.
        actual: usize,
    },
    /// The data is not contiguous in row-major order, so it cannot be
    /// reshaped without copying.
    NotContiguous {
        /// Shape of the array.
        shape: Vec<usize>,
        /// Its strides, in elements.
        strides: Vec<isize>,
    },
    /// `broadcast_to` can only add axes (in front), not remove them.
    RankTooLow {
        /// Rank of the array.
        from: usize,
        /// Requested rank.
        to: usize,
    },
    /// A serialized array has a format version other than 1.
    BadVersion(u64),
    /// A view (such as [`broadcast_to`](crate::ArrayView::broadcast_to)'s)
    /// would have more than `isize::MAX` elements, which no array may have.
    TooManyElements {
        /// The requested shape.
        dims: Vec<usize>,
    },
    /// The producers of a [`Zip`](crate::array::Zip) do not broadcast
    /// together, or one that is written to would have to be broadcast (it
    /// must have the full shape).
    ZipShapes {
        /// The shapes of the producers, in order.
        shapes: Vec<Vec<usize>>,
        /// The index of a written producer whose shape is not the full one,
        /// if that is the problem.
        written: Option<usize>,
    },
    /// The operands of a matrix product do not fit: `a` must be `m × k`,
    /// `b` `k × n` (or a vector of `k`), `c` `m × n` (or a vector of `m`).
    /// Returned by [`try_general_mat_mul`](crate::linalg::try_general_mat_mul),
    /// [`try_general_mat_vec_mul`](crate::linalg::try_general_mat_vec_mul)
    /// and the `try_matmul_in` / `try_matvec_in` methods.
    ProductShapes {
        /// Shape of the left factor.
        a: Vec<usize>,
        /// Shape of the right factor (a matrix or a vector).
        b: Vec<usize>,
        /// Shape of the result (a matrix or a vector).
        c: Vec<usize>,
    },
}

/// Formats a shape as `[2, 3]`.
struct Dims<'a, D: fmt::Debug>(&'a [D]);

impl<D: fmt::Debug> fmt::Display for Dims<'_, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeError::Incompatible { left, right } => write!(
                f,
                "shapes {} and {} are not compatible: each axis must be equal or 1 in the right-hand shape",
                Dims(left),
                Dims(right)
            ),
            ShapeError::ShapeMismatch { left, right } => write!(
                f,
                "shapes {} and {} differ; the operation needs arrays of the same shape",
                Dims(left),
                Dims(right)
            ),
            ShapeError::LengthMismatch {
                dims,
                expected,
                actual,
            } => write!(
                f,
                "shape {} holds {expected} elements but {actual} were given",
                Dims(dims)
            ),
            ShapeError::NotContiguous { shape, strides } => write!(
                f,
                "an array of shape {} with strides {} is not contiguous in row-major order; copy it first",
                Dims(shape),
                Dims(strides)
            ),
            ShapeError::RankTooLow { from, to } => write!(
                f,
                "cannot broadcast a rank-{from} array to rank {to}: broadcasting only adds axes"
            ),
            ShapeError::BadVersion(v) => {
                write!(f, "unknown array format version {v} (expected 1)")
            }
            ShapeError::TooManyElements { dims } => write!(
                f,
                "shape {} has more than isize::MAX ({}) elements",
                Dims(dims),
                isize::MAX
            ),
            ShapeError::ZipShapes { shapes, written } => {
                write!(f, "Zip: shapes ")?;
                for (k, shape) in shapes.iter().enumerate() {
                    let sep = if k == 0 { "" } else { ", " };
                    write!(f, "{sep}{}", Dims(shape))?;
                }
                match written {
                    None => write!(
                        f,
                        " do not broadcast together: per axis, lengths must be equal or 1"
                    ),
                    Some(k) => write!(
                        f,
                        ": producer {k} is written to, so it must have the full shape, not be broadcast"
                    ),
                }
            }
            ShapeError::ProductShapes { a, b, c } => write!(
                f,
                "matrix product: a {} times b {} into c {}: a's columns must equal b's rows, \
                 and c must be [a's rows, b's columns]",
                Dims(a),
                Dims(b),
                Dims(c)
            ),
        }
    }
}

impl std::error::Error for ShapeError {}
