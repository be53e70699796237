//! Rank arithmetic for rank-changing methods: [`Rank`]`<N>:`
//! [`OneLess`]`<M>` holds exactly when `M == N - 1` (and [`OneMore`] when
//! `M == N + 1`), for ranks 0 to 8. With one impl per rank, the compiler
//! picks `M` from `N`, so `m.index_axis(0, i)` needs no `::<M>`.

/// A rank as a type, for the bounds [`OneLess`] and [`OneMore`].
///
/// ```
/// use bumper::array::{OneLess, Rank};
///
/// fn drop_first<const N: usize, const M: usize>(shape: [usize; N]) -> [usize; M]
/// where
///     Rank<N>: OneLess<M>,
/// {
///     core::array::from_fn(|k| shape[k + 1])
/// }
/// assert_eq!(drop_first([2, 3, 4]), [3, 4]); // M = 2 inferred
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Rank<const N: usize>;

/// `Rank<N>: OneLess<M>` holds when `M == N - 1`, for `N` in `1..=8`.
///
/// ```
/// use bumper::array::{OneLess, Rank};
///
/// fn lower<const N: usize, const M: usize>() -> usize
/// where
///     Rank<N>: OneLess<M>,
/// {
///     M
/// }
/// assert_eq!(lower::<3, _>(), 2);
/// ```
pub trait OneLess<const M: usize>: sealed::Sealed {}

/// `Rank<N>: OneMore<M>` holds when `M == N + 1`, for `N` in `0..=7`.
///
/// ```
/// use bumper::array::{OneMore, Rank};
///
/// fn higher<const N: usize, const M: usize>() -> usize
/// where
///     Rank<N>: OneMore<M>,
/// {
///     M
/// }
/// assert_eq!(higher::<0, _>(), 1);
/// ```
pub trait OneMore<const M: usize>: sealed::Sealed {}

mod sealed {
    pub trait Sealed {}
    impl<const N: usize> Sealed for super::Rank<N> {}
}

macro_rules! ranks {
    ($($n:literal => $m:literal),*) => {$(
        impl OneLess<$m> for Rank<$n> {}
        impl OneMore<$n> for Rank<$m> {}
    )*};
}
ranks!(1 => 0, 2 => 1, 3 => 2, 4 => 3, 5 => 4, 6 => 5, 7 => 6, 8 => 7);
