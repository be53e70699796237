//! approx's [`AbsDiffEq`], [`RelativeEq`] and [`UlpsEq`] for arrays (feature
//! `approx`), in every combination of [`PtrArray`] and [`ArrayView`].
//!
//! As in ndarray: two arrays are approximately equal when their shapes are
//! equal and every pair of elements at the same index is; a shape mismatch
//! is "not equal", never a panic. The tolerance type is the element's
//! (`T::Epsilon`), applied to each pair.

use approx::{AbsDiffEq, RelativeEq, UlpsEq};

use super::fmt::all_pairs;
use super::{ArrayView, PtrArray};

/// The three approx traits for one (left, right) pair of array types.
macro_rules! approx_impls {
    ($lhs:ident, $rhs:ident, $example:literal) => {
        /// Elementwise [`AbsDiffEq`]: equal shapes and `|a - b| <= epsilon`
        /// for every pair of elements (logical order, any layouts).
        ///
        /// ```
        /// use approx::{assert_abs_diff_eq, assert_abs_diff_ne};
        ///
        #[doc = $example]
        /// ```
        impl<'a, 'b, T, U, const N: usize> AbsDiffEq<$rhs<'b, U, N>> for $lhs<'a, T, N>
        where
            T: AbsDiffEq<U>,
            T::Epsilon: Clone,
        {
            type Epsilon = T::Epsilon;

            fn default_epsilon() -> T::Epsilon {
                T::default_epsilon()
            }

            fn abs_diff_eq(&self, other: &$rhs<'b, U, N>, epsilon: T::Epsilon) -> bool {
                all_pairs(self.view(), other.view(), |x, y| {
                    x.abs_diff_eq(y, epsilon.clone())
                })
            }
        }

        /// Elementwise [`RelativeEq`]: equal shapes and every pair of
        /// elements relatively equal (absolutely, when they are close to 0).
        ///
        /// ```
        /// use approx::assert_relative_eq;
        ///
        /// bumper::no_escape(|s| {
        ///     let a = s.alloc_from_slice([2], &[1.0e6_f64, 2.0]);
        ///     let b = s.alloc_from_slice([2], &[1.0e6_f64 + 0.5, 2.0]);
        ///     assert_relative_eq!(a, b, max_relative = 1e-6);
        ///     assert_relative_eq!(a.view(), b.view(), max_relative = 1e-6);
        ///     assert_relative_eq!(a, b.view(), max_relative = 1e-6);
        ///     assert_relative_eq!(a.view(), b, max_relative = 1e-6);
        /// });
        /// ```
        impl<'a, 'b, T, U, const N: usize> RelativeEq<$rhs<'b, U, N>> for $lhs<'a, T, N>
        where
            T: RelativeEq<U>,
            T::Epsilon: Clone,
        {
            fn default_max_relative() -> T::Epsilon {
                T::default_max_relative()
            }

            fn relative_eq(
                &self,
                other: &$rhs<'b, U, N>,
                epsilon: T::Epsilon,
                max_relative: T::Epsilon,
            ) -> bool {
                all_pairs(self.view(), other.view(), |x, y| {
                    x.relative_eq(y, epsilon.clone(), max_relative.clone())
                })
            }
        }

        /// Elementwise [`UlpsEq`]: equal shapes and every pair of elements
        /// within `max_ulps` units in the last place (or `epsilon` apart).
        ///
        /// ```
        /// use approx::{assert_ulps_eq, assert_ulps_ne};
        ///
        /// bumper::no_escape(|s| {
        ///     let a = s.alloc_from_slice([2], &[1.0_f32, 2.0]);
        ///     let b = s.alloc_from_slice([2], &[1.0_f32 + f32::EPSILON, 2.0]);
        ///     assert_ulps_eq!(a, b, max_ulps = 1);
        ///     assert_ulps_eq!(a.view(), b, max_ulps = 1);
        ///     assert_ulps_eq!(a, b.view(), max_ulps = 1);
        ///     assert_ulps_ne!(a.view(), b.view(), epsilon = 0.0, max_ulps = 0);
        /// });
        /// ```
        impl<'a, 'b, T, U, const N: usize> UlpsEq<$rhs<'b, U, N>> for $lhs<'a, T, N>
        where
            T: UlpsEq<U>,
            T::Epsilon: Clone,
        {
            fn default_max_ulps() -> u32 {
                T::default_max_ulps()
            }

            fn ulps_eq(&self, other: &$rhs<'b, U, N>, epsilon: T::Epsilon, max_ulps: u32) -> bool {
                all_pairs(self.view(), other.view(), |x, y| {
                    x.ulps_eq(y, epsilon.clone(), max_ulps)
                })
            }
        }
    };
}

approx_impls!(
    ArrayView,
    ArrayView,
    r#"bumper::no_escape(|s| {
    let a = s.alloc_from_slice([2, 2], &[1.0, 2.0, 3.0, 4.0]);
    let at = s.alloc_from_slice([2, 2], &[1.0, 3.0 + 1e-12, 2.0, 4.0]);
    assert_abs_diff_eq!(a.view(), at.t(), epsilon = 1e-9);
    assert_abs_diff_ne!(a.view(), at.view(), epsilon = 1e-9);
    // A shape mismatch is "not equal".
    assert_abs_diff_ne!(a.view(), a.slice_axis(1, 0..1));
});"#
);
approx_impls!(
    PtrArray,
    PtrArray,
    r#"bumper::no_escape(|s| {
    let a = s.alloc_from_slice([3], &[0.1_f64 + 0.2, 1.0, 2.0]);
    let b = s.alloc_from_slice([3], &[0.3_f64, 1.0, 2.0]);
    assert_ne!(a, b);
    assert_abs_diff_eq!(a, b);
    assert_abs_diff_ne!(a, b, epsilon = 0.0);
});"#
);
approx_impls!(
    PtrArray,
    ArrayView,
    r#"bumper::no_escape(|s| {
    let a = s.alloc_from_slice([2], &[1.0_f32, 2.0]);
    let b = s.alloc_from_slice([2], &[1.05_f32, 2.0]);
    assert_abs_diff_eq!(a, b.view(), epsilon = 0.1);
});"#
);
approx_impls!(
    ArrayView,
    PtrArray,
    r#"bumper::no_escape(|s| {
    let a = s.alloc_from_slice([2], &[1.0_f32, 2.0]);
    let b = s.alloc_from_slice([2], &[1.05_f32, 2.0]);
    assert_abs_diff_eq!(a.view(), b, epsilon = 0.1);
});"#
);
