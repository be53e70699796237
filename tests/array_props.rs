//! Property tests: `PtrArray` / `ArrayView` against a naive model.
//!
//! The model (`tests/model`) is a row-major `Vec<T>` plus, for a view, its
//! shape and the data position of each logical element, built by plain
//! multi-index arithmetic. Every property generates a random shape (rank
//! 1-4, axes of length 0..=5), random values and a random chain of views
//! (permutations, `t()`, `slice_axis` with every range form,
//! `slice_axis_step` with positive and negative steps, multi-axis `slice`,
//! `split_at` halves), applies the chain to the real array and to the
//! model, and compares everything a user can observe: shape, length,
//! values in logical order, `get` / `Index` at every index and out of
//! bounds, `iter` / `indexed_iter` order, strides, `as_ptr`, and whether
//! `as_slice` is `Some` (derived from the model's positions, not from the
//! implementation). On top of the chains: `index_axis` (rank N to N-1),
//! `broadcast_to`, `reshape`, `split_at_mut`; the elementwise operations
//! and operators on such views (every element outside the view must stay
//! untouched), the `*_in` operations that allocate their result in a scope,
//! and the reductions.
//!
//! Case counts: 256 per property natively (64 for the panicking ones and
//! the long reductions), 4 under Miri, where axes are also at most 3 long
//! instead of 5 and the long reductions just cross one pairwise block.

// `&view` arguments are deliberate: they exercise `From<&ArrayView>`.
#![allow(clippy::needless_borrows_for_generic_args)]

mod model;

use std::fmt::Debug;
use std::ops::{AddAssign, Bound, DivAssign, MulAssign, SubAssign};
use std::panic::{catch_unwind, AssertUnwindSafe};

use bumper::array::{OneLess, ShapeError, Slice};
use bumper::{ArrayView, PtrArray, Scope};
use model::{
    broadcast_shapes, for_each_index, index_arrays, indices, len_of, BroadcastRefusal, Rng,
    ViewModel,
};
use num_traits::{FromPrimitive, One, Zero};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

type TestResult = Result<(), TestCaseError>;

fn config() -> ProptestConfig {
    config_with(256)
}

fn config_with(cases: u32) -> ProptestConfig {
    ProptestConfig {
        // Under Miri 3 cases: `.ci/run` runs every suite twice (Stacked and
        // Tree Borrows) within its time budget.
        cases: if cfg!(miri) { 3 } else { cases },
        // Under Miri: no file system for regression files, and the cheaper
        // generator (ChaCha costs seconds per test when interpreted).
        failure_persistence: if cfg!(miri) {
            None
        } else {
            ProptestConfig::default().failure_persistence
        },
        rng_algorithm: if cfg!(miri) {
            proptest::test_runner::RngAlgorithm::XorShift
        } else {
            proptest::test_runner::RngAlgorithm::default()
        },
        ..ProptestConfig::default()
    }
}

// ---- element types ----------------------------------------------------------

/// Element types the properties run on: small integers as `i64` (exact
/// arithmetic) and quarter-integers as `f64`.
trait Elem:
    Copy
    + PartialEq
    + Debug
    + Default
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + core::ops::Add<Output = Self>
    + core::ops::Sub<Output = Self>
    + core::ops::Mul<Output = Self>
    + core::ops::Div<Output = Self>
    + 'static
{
    fn from_i64(x: i64) -> Self;
}

impl Elem for i64 {
    fn from_i64(x: i64) -> Self {
        x
    }
}

impl Elem for f64 {
    fn from_i64(x: i64) -> Self {
        x as f64 / 4.0
    }
}

/// `len` values in -20..=20 (scaled for floats) from `seed`.
fn values<T: Elem>(seed: u64, len: usize) -> Vec<T> {
    let mut rng = Rng::new(seed);
    (0..len).map(|_| T::from_i64(rng.range(-20, 20))).collect()
}

/// `len` values in -9..=9 without 0 (divisors).
fn nonzero_values<T: Elem>(seed: u64, len: usize) -> Vec<T> {
    let mut rng = Rng::new(seed);
    (0..len)
        .map(|_| match rng.range(-9, 8) {
            0 => T::from_i64(9),
            x => T::from_i64(x),
        })
        .collect()
}

// ---- strategies -------------------------------------------------------------

/// Longest axis: 5, or 3 under Miri (81 rather than 625 elements at rank 4).
const MAX_AXIS: usize = if cfg!(miri) { 3 } else { 5 };

fn axis_len() -> impl Strategy<Value = usize> {
    prop_oneof![1 => Just(0usize), 8 => 1usize..=MAX_AXIS]
}

/// Shapes with many axes of length 1 (for broadcasting).
fn axis_len_ones() -> impl Strategy<Value = usize> {
    prop_oneof![1 => Just(0usize), 4 => Just(1usize), 4 => 2usize..=MAX_AXIS.min(4)]
}

fn shape<const N: usize>() -> impl Strategy<Value = [usize; N]> {
    proptest::array::uniform::<_, N>(axis_len())
}

fn shape_ones<const N: usize>() -> impl Strategy<Value = [usize; N]> {
    proptest::array::uniform::<_, N>(axis_len_ones())
}

fn step() -> impl Strategy<Value = isize> {
    prop_oneof![4 => Just(1isize), 2 => Just(-1isize), 1 => 2isize..=3, 1 => -3isize..=-2]
}

fn perm(rank: usize) -> impl Strategy<Value = Vec<usize>> {
    Just((0..rank).collect::<Vec<_>>()).prop_shuffle()
}

/// A view operation before it meets a shape: numbers that [`resolve`]
/// turns into in-bounds arguments for whatever shape the chain has reached.
#[derive(Clone, Debug)]
enum OpSeed {
    Identity,
    Permute(Vec<usize>),
    T,
    SliceAxis {
        axis: usize,
        a: usize,
        b: usize,
        step: isize,
        form: u8,
        plain: bool,
    },
    Slice(Vec<(usize, usize, isize)>),
    Split {
        axis: usize,
        at: usize,
        right: bool,
    },
}

fn op_seed(rank: usize) -> BoxedStrategy<OpSeed> {
    prop_oneof![
        1 => Just(OpSeed::Identity),
        3 => perm(rank).prop_map(OpSeed::Permute),
        2 => Just(OpSeed::T),
        6 => (0..rank, 0usize..8, 0usize..8, step(), 0u8..7, any::<bool>()).prop_map(
            |(axis, a, b, step, form, plain)| OpSeed::SliceAxis { axis, a, b, step, form, plain }
        ),
        2 => vec((0usize..8, 0usize..8, step()), rank).prop_map(OpSeed::Slice),
        2 => (0..rank, 0usize..8, any::<bool>())
            .prop_map(|(axis, at, right)| OpSeed::Split { axis, at, right }),
    ]
    .boxed()
}

/// Up to four view operations on a rank-`rank` array (none for rank 0).
fn op_seeds(rank: usize) -> BoxedStrategy<Vec<OpSeed>> {
    if rank == 0 {
        return Just(vec![]).boxed();
    }
    vec(op_seed(rank), 0..=4).boxed()
}

/// How a source operand is laid out: allocated with permuted axes and
/// viewed back through `permuted_axes` (so it is strided), and maybe with
/// one axis reversed.
#[derive(Clone, Debug)]
struct SrcSeed {
    perm: Vec<usize>,
    flip: Option<usize>,
    ones: Vec<bool>,
    seed: u64,
}

fn src_seed(rank: usize) -> impl Strategy<Value = SrcSeed> {
    (
        perm(rank),
        proptest::option::of(0..rank.max(1)),
        vec(any::<bool>(), rank),
        any::<u64>(),
    )
        .prop_map(|(perm, flip, ones, seed)| SrcSeed {
            perm,
            flip,
            ones,
            seed,
        })
}

// ---- resolved view operations -----------------------------------------------

#[derive(Clone, Copy, Debug)]
enum RangeForm {
    Full,
    From,
    To,
    Range,
    Inclusive,
    ToInclusive,
    ExcludedStart,
}

#[derive(Clone, Debug)]
enum ViewOp {
    Identity,
    Permute(Vec<usize>),
    T,
    SliceAxis {
        axis: usize,
        start: usize,
        end: usize,
        step: isize,
        form: RangeForm,
        plain: bool,
    },
    Slice(Vec<(usize, usize, isize)>),
    Split {
        axis: usize,
        at: usize,
        right: bool,
    },
}

fn ordered(a: usize, b: usize, len: usize) -> (usize, usize) {
    let (x, y) = (a % (len + 1), b % (len + 1));
    (x.min(y), x.max(y))
}

/// Turns a seed into an operation that is valid for `shape`.
fn resolve(seed: &OpSeed, shape: &[usize]) -> ViewOp {
    let rank = shape.len();
    match seed {
        OpSeed::Identity => ViewOp::Identity,
        OpSeed::Permute(p) => ViewOp::Permute(p.clone()),
        OpSeed::T if rank == 2 => ViewOp::T,
        OpSeed::T => ViewOp::Permute((0..rank).rev().collect()),
        &OpSeed::SliceAxis {
            axis,
            a,
            b,
            step,
            form,
            plain,
        } => {
            let len = shape[axis];
            let (s, e) = ordered(a, b, len);
            let (form, start, end) = match form {
                0 => (RangeForm::Full, 0, len),
                1 => (RangeForm::From, s, len),
                2 => (RangeForm::To, 0, e),
                3 => (RangeForm::Range, s, e),
                4 if e > s => (RangeForm::Inclusive, s, e),
                5 if e > 0 => (RangeForm::ToInclusive, 0, e),
                6 if s > 0 => (RangeForm::ExcludedStart, s, e),
                _ => (RangeForm::Range, s, e),
            };
            ViewOp::SliceAxis {
                axis,
                start,
                end,
                step: if plain { 1 } else { step },
                form,
                plain,
            }
        }
        OpSeed::Slice(spec) => ViewOp::Slice(
            spec.iter()
                .zip(shape)
                .map(|(&(a, b, step), &len)| {
                    let (s, e) = ordered(a, b, len);
                    (s, e, step)
                })
                .collect(),
        ),
        &OpSeed::Split { axis, at, right } => ViewOp::Split {
            axis,
            at: at % (shape[axis] + 1),
            right,
        },
    }
}

/// The model of `op` applied to `m`.
fn model_apply(m: &ViewModel, op: &ViewOp) -> ViewModel {
    match op {
        ViewOp::Identity => m.clone(),
        ViewOp::Permute(p) => m.permuted(p),
        ViewOp::T => m.permuted(&[1, 0]),
        &ViewOp::SliceAxis {
            axis,
            start,
            end,
            step,
            ..
        } => m.sliced(axis, start, end, step),
        ViewOp::Slice(spec) => {
            let mut out = m.clone();
            for (axis, &(s, e, step)) in spec.iter().enumerate() {
                out = out.sliced(axis, s, e, step);
            }
            out
        }
        &ViewOp::Split { axis, at, right } => {
            let (l, r) = m.split(axis, at);
            if right {
                r
            } else {
                l
            }
        }
    }
}

/// Resolves a chain of seeds step by step: the operations and the model
/// after each of them.
fn resolve_chain(seeds: &[OpSeed], start: &ViewModel) -> (Vec<ViewOp>, Vec<ViewModel>) {
    let mut ops = vec![];
    let mut models = vec![];
    let mut m = start.clone();
    for seed in seeds {
        let op = resolve(seed, &m.shape);
        m = model_apply(&m, &op);
        ops.push(op);
        models.push(m.clone());
    }
    (ops, models)
}

fn last_model(models: &[ViewModel], start: &ViewModel) -> ViewModel {
    models.last().unwrap_or(start).clone()
}

fn arr<const N: usize>(v: &[usize]) -> [usize; N] {
    v.try_into().expect("rank matches")
}

/// Calls `$body` with `$r` bound to the range form `$form` of `start..end`.
macro_rules! with_range {
    ($form:expr, $start:expr, $end:expr, |$r:ident| $body:expr) => {{
        let (s, e): (usize, usize) = ($start, $end);
        match $form {
            RangeForm::Full => {
                let $r = ..;
                $body
            }
            RangeForm::From => {
                let $r = s..;
                $body
            }
            RangeForm::To => {
                let $r = ..e;
                $body
            }
            RangeForm::Range => {
                let $r = s..e;
                $body
            }
            RangeForm::Inclusive => {
                let $r = s..=e - 1;
                $body
            }
            RangeForm::ToInclusive => {
                let $r = ..=e - 1;
                $body
            }
            RangeForm::ExcludedStart => {
                let $r = (Bound::Excluded(s - 1), Bound::Excluded(e));
                $body
            }
        }
    }};
}

fn slices<const N: usize>(spec: &[(usize, usize, isize)]) -> [Slice; N] {
    core::array::from_fn(|axis| {
        let (s, e, step) = spec[axis];
        Slice::from(s..e).step_by(step)
    })
}

/// Rank-dependent methods (only rank 2 has `t()`), dispatched on a const.
struct Rank<const N: usize>;

trait RankOps<const N: usize> {
    fn t_view<'a, T>(v: ArrayView<'a, T, N>) -> Option<ArrayView<'a, T, N>>;
    fn t_ref<'b, T>(a: &'b PtrArray<'_, T, N>) -> Option<ArrayView<'b, T, N>>;
    fn t_mut<'b, T>(a: &'b mut PtrArray<'_, T, N>) -> Option<PtrArray<'b, T, N>>;
}

impl RankOps<2> for Rank<2> {
    fn t_view<'a, T>(v: ArrayView<'a, T, 2>) -> Option<ArrayView<'a, T, 2>> {
        Some(v.t())
    }
    fn t_ref<'b, T>(a: &'b PtrArray<'_, T, 2>) -> Option<ArrayView<'b, T, 2>> {
        Some(a.t())
    }
    fn t_mut<'b, T>(a: &'b mut PtrArray<'_, T, 2>) -> Option<PtrArray<'b, T, 2>> {
        Some(a.t_mut())
    }
}

macro_rules! no_transpose {
    ($($n:literal),*) => {$(
        impl RankOps<$n> for Rank<$n> {
            fn t_view<'a, T>(_: ArrayView<'a, T, $n>) -> Option<ArrayView<'a, T, $n>> {
                None
            }
            fn t_ref<'b, T>(_: &'b PtrArray<'_, T, $n>) -> Option<ArrayView<'b, T, $n>> {
                None
            }
            fn t_mut<'b, T>(_: &'b mut PtrArray<'_, T, $n>) -> Option<PtrArray<'b, T, $n>> {
                None
            }
        }
    )*};
}
no_transpose!(0, 1, 3, 4, 5);

/// `op` on a read-only view.
fn apply_view<'a, T, const N: usize>(v: ArrayView<'a, T, N>, op: &ViewOp) -> ArrayView<'a, T, N>
where
    Rank<N>: RankOps<N>,
{
    match op {
        ViewOp::Identity => v.view(),
        ViewOp::Permute(p) => v.permuted_axes(arr(p)),
        ViewOp::T => Rank::<N>::t_view(v).expect("t() is resolved for rank 2 only"),
        &ViewOp::SliceAxis {
            axis,
            start,
            end,
            step,
            form,
            plain,
        } => with_range!(form, start, end, |r| if plain {
            v.slice_axis(axis, r)
        } else {
            v.slice_axis_step(axis, r, step)
        }),
        ViewOp::Slice(spec) => v.slice(slices(spec)),
        &ViewOp::Split { axis, at, right } => {
            let (l, r) = v.split_at(axis, at);
            if right {
                r
            } else {
                l
            }
        }
    }
}

fn apply_view_chain<'a, T, const N: usize>(
    mut v: ArrayView<'a, T, N>,
    ops: &[ViewOp],
) -> ArrayView<'a, T, N>
where
    Rank<N>: RankOps<N>,
{
    for op in ops {
        v = apply_view(v, op);
    }
    v
}

/// Applies `ops` to `a` through the `_mut` methods and hands the final
/// mutable view to `f`.
fn with_mut_chain<T, const N: usize, R>(
    mut a: PtrArray<'_, T, N>,
    ops: &[ViewOp],
    f: &mut dyn FnMut(PtrArray<'_, T, N>) -> R,
) -> R
where
    Rank<N>: RankOps<N>,
{
    let Some((op, rest)) = ops.split_first() else {
        return f(a);
    };
    match op {
        ViewOp::Identity => with_mut_chain(a.view_mut(), rest, f),
        ViewOp::Permute(p) => with_mut_chain(a.permuted_axes_mut(arr(p)), rest, f),
        ViewOp::T => {
            let t = Rank::<N>::t_mut(&mut a).expect("t() is resolved for rank 2 only");
            with_mut_chain(t, rest, f)
        }
        &ViewOp::SliceAxis {
            axis,
            start,
            end,
            step,
            form,
            plain,
        } => {
            let b = with_range!(form, start, end, |r| if plain {
                a.slice_axis_mut(axis, r)
            } else {
                a.slice_axis_step_mut(axis, r, step)
            });
            with_mut_chain(b, rest, f)
        }
        ViewOp::Slice(spec) => with_mut_chain(a.slice_mut(slices(spec)), rest, f),
        &ViewOp::Split { axis, at, right } => {
            let (l, r) = a.split_at_mut(axis, at);
            with_mut_chain(if right { r } else { l }, rest, f)
        }
    }
}

// ---- comparing an array with the model --------------------------------------

/// Everything observable about a read-only view, against the model `m` of
/// it over `data`, whose first element is at `base`.
fn check_view<T: Copy + PartialEq + Debug, const N: usize>(
    v: &ArrayView<'_, T, N>,
    m: &ViewModel,
    data: &[T],
    base: *const T,
) -> TestResult {
    prop_assert_eq!(&v.shape()[..], &m.shape[..]);
    prop_assert_eq!(v.len(), m.len());
    prop_assert_eq!(v.is_empty(), m.is_empty());
    let want = m.values(data);
    prop_assert_eq!(&v.to_vec(), &want);
    // iter(): order, exact size (also after one step), and its own fold.
    prop_assert_eq!(&v.iter().copied().collect::<Vec<_>>(), &want);
    prop_assert_eq!(v.iter().len(), want.len());
    let mut it = v.iter();
    if it.next().is_some() {
        prop_assert_eq!(it.len(), want.len() - 1);
        prop_assert_eq!(&it.copied().collect::<Vec<_>>()[..], &want[1..]);
    }
    let folded = v.iter().fold(Vec::new(), |mut acc, x| {
        acc.push(*x);
        acc
    });
    prop_assert_eq!(&folded, &want);
    // get / Index at every index, and indexed_iter, in row-major order.
    let mut indexed = v.indexed_iter();
    prop_assert_eq!(indexed.len(), want.len());
    for (k, &i) in index_arrays::<N>(&m.shape).iter().enumerate() {
        prop_assert_eq!(v.get(i), Some(&want[k]), "get({:?})", i);
        prop_assert_eq!(v[i], want[k]);
        prop_assert_eq!(indexed.next(), Some((i, &want[k])));
    }
    prop_assert!(indexed.next().is_none());
    for axis in 0..N {
        for bad in [m.shape[axis], m.shape[axis] + 1, usize::MAX] {
            let mut i = [0; N];
            i[axis] = bad;
            prop_assert_eq!(v.get(i), None, "get({:?}) on shape {:?}", i, m.shape);
        }
    }
    // as_slice exactly when the positions are consecutive.
    prop_assert_eq!(
        v.as_slice().is_some(),
        m.is_standard_contiguous(),
        "as_slice on shape {:?} strides {:?}",
        v.shape(),
        v.strides()
    );
    if let Some(s) = v.as_slice() {
        prop_assert_eq!(s, &want[..]);
    }
    // Strides and the first element's address, where the data fixes them.
    for (axis, st) in m.strides().iter().enumerate() {
        if let Some(st) = st {
            prop_assert_eq!(v.strides()[axis], *st, "stride of axis {}", axis);
        }
    }
    if !m.is_empty() {
        let want_addr = base.addr() + m.pos[0] * core::mem::size_of::<T>();
        prop_assert_eq!(v.as_ptr().addr(), want_addr);
    }
    Ok(())
}

/// The read API of a `PtrArray`, its views, and (rank 2) its transpose.
fn check_ptr<T: Copy + PartialEq + Debug, const N: usize>(
    a: &PtrArray<'_, T, N>,
    m: &ViewModel,
    data: &[T],
    base: *const T,
) -> TestResult
where
    Rank<N>: RankOps<N>,
{
    prop_assert_eq!(&a.shape()[..], &m.shape[..]);
    prop_assert_eq!(a.strides(), a.view().strides());
    prop_assert_eq!(a.len(), m.len());
    prop_assert_eq!(a.is_empty(), m.is_empty());
    let want = m.values(data);
    prop_assert_eq!(&a.to_vec(), &want);
    prop_assert_eq!(&a.iter().copied().collect::<Vec<_>>(), &want);
    let pairs: Vec<([usize; N], T)> = a.indexed_iter().map(|(i, &x)| (i, x)).collect();
    prop_assert_eq!(pairs.len(), want.len());
    for (k, &i) in index_arrays::<N>(&m.shape).iter().enumerate() {
        prop_assert_eq!(a.get(i), Some(&want[k]));
        prop_assert_eq!(a[i], want[k]);
        prop_assert_eq!(pairs[k], (i, want[k]));
    }
    for axis in 0..N {
        let mut i = [0; N];
        i[axis] = m.shape[axis];
        prop_assert_eq!(a.get(i), None);
    }
    prop_assert_eq!(a.as_slice().is_some(), m.is_standard_contiguous());
    if !m.is_empty() {
        prop_assert_eq!(a.as_ptr(), a.view().as_ptr());
    }
    check_view(&a.view(), m, data, base)?;
    check_view(&ArrayView::from(a), m, data, base)?;
    if let Some(t) = Rank::<N>::t_ref(a) {
        check_view(&t, &m.permuted(&[1, 0]), data, base)?;
    }
    Ok(())
}

/// A source operand of shape `shape`: allocated with permuted axes, viewed
/// back through `permuted_axes`, maybe with one axis reversed.
struct Source<'s, T, const N: usize> {
    arr: PtrArray<'s, T, N>,
    data: Vec<T>,
    m: ViewModel,
    perm: [usize; N],
    flip: Option<usize>,
}

fn make_source<'s, T: Elem, const N: usize>(
    s: &Scope<'s>,
    shape: [usize; N],
    spec: &SrcSeed,
    nonzero: bool,
) -> Source<'s, T, N> {
    let perm: [usize; N] = arr(&spec.perm);
    let mut alloc_shape = [0; N];
    for k in 0..N {
        alloc_shape[perm[k]] = shape[k];
    }
    let len = len_of(&shape);
    let data = if nonzero {
        nonzero_values(spec.seed, len)
    } else {
        values(spec.seed, len)
    };
    let flip = spec.flip.filter(|_| N > 0);
    let mut m = ViewModel::full(&alloc_shape).permuted(&perm);
    if let Some(axis) = flip {
        m = m.sliced(axis, 0, shape[axis], -1);
    }
    Source {
        arr: s.alloc_from_slice(alloc_shape, &data),
        data,
        m,
        perm,
        flip,
    }
}

impl<T, const N: usize> Source<'_, T, N> {
    fn view(&self) -> ArrayView<'_, T, N> {
        let v = self.arr.permuted_axes(self.perm);
        match self.flip {
            Some(axis) => v.slice_axis_step(axis, .., -1),
            None => v,
        }
    }

    /// The value the operand contributes at `idx` of a target it is
    /// broadcast to (same rank: axes of length 1 read index 0).
    fn at(&self, idx: &[usize]) -> T
    where
        T: Copy,
    {
        let own: Vec<usize> = idx
            .iter()
            .zip(&self.m.shape)
            .map(|(&i, &n)| if n == 1 { 0 } else { i })
            .collect();
        self.data[self.m.pos_at(&own).expect("in bounds")]
    }
}

/// `shape` with the axes that `ones` marks set to 1.
fn with_ones<const N: usize>(shape: [usize; N], ones: &[bool]) -> [usize; N] {
    core::array::from_fn(|k| if ones[k] { 1 } else { shape[k] })
}

/// `shape` with one axis (picked by `pick`) changed to a length that is
/// neither 1 nor the original, so it no longer broadcasts either way.
fn incompatible_with<const N: usize>(shape: [usize; N], pick: usize) -> [usize; N] {
    let axis = pick % N;
    let mut bad = shape;
    bad[axis] = shape[axis] + 2;
    bad
}

/// Applies the mutation `f` to the model data at every position of `m`
/// (`f(old value, target index)`).
fn model_update<T: Copy>(data: &mut [T], m: &ViewModel, mut f: impl FnMut(T, &[usize]) -> T) {
    let mut k = 0;
    for_each_index(&m.shape, |idx| {
        let p = m.pos[k];
        data[p] = f(data[p], idx);
        k += 1;
    });
}

fn panic_message(e: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = e.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = e.downcast_ref::<&str>() {
        s.to_string()
    } else {
        String::new()
    }
}

// ---- properties: views ------------------------------------------------------

/// A chain of read-only views matches the model after every step; `map_in`
/// of the result has the model's values, in a fresh row-major array unless
/// the view fills one block of the data; the data never changes.
fn prop_view_chain<const N: usize>(shape: [usize; N], seed: u64, seeds: &[OpSeed]) -> TestResult
where
    Rank<N>: RankOps<N>,
{
    bumper::no_escape(|s| {
        let data: Vec<i64> = values(seed, len_of(&shape));
        let a = s.alloc_from_slice(shape, &data);
        let base = a.as_ptr();
        let mut m = ViewModel::full(&shape);
        check_ptr(&a, &m, &data, base)?;
        let mut v = a.view();
        for seed in seeds {
            let op = resolve(seed, &m.shape);
            m = model_apply(&m, &op);
            v = apply_view(v, &op);
            check_view(&v, &m, &data, base)?;
        }
        let mapped = v.map_in(s, |x| x * 3 + 1);
        let want: Vec<i64> = m.values(&data).iter().map(|x| x * 3 + 1).collect();
        prop_assert_eq!(&mapped.shape()[..], &m.shape[..]);
        prop_assert_eq!(&mapped.to_vec(), &want);
        // Row-major unless the view fills one block of the data (then the
        // result keeps its memory order: tests/toolkit_layout.rs).
        let block = m.is_empty()
            || (m.is_unique()
                && m.pos.iter().max().unwrap() - m.pos.iter().min().unwrap() + 1 == m.len());
        prop_assert!(block || mapped.is_standard_layout());
        let halves = v.map_in(s, |&x| x as f64 / 2.0);
        let want: Vec<f64> = m.values(&data).iter().map(|&x| x as f64 / 2.0).collect();
        prop_assert_eq!(halves.to_vec(), want);
        prop_assert_eq!(halves.strides(), mapped.strides());
        let whole = a.map_in(s, |x| -x);
        prop_assert_eq!(whole.to_vec(), data.iter().map(|x| -x).collect::<Vec<_>>());
        prop_assert_eq!(a.to_vec(), data);
        Ok(())
    })
}

/// The same chain through the `_mut` methods gives a `PtrArray` with the
/// same read API; writing through it (iter_mut, IndexMut, get_mut,
/// as_slice_mut) changes exactly the model's positions.
fn prop_mut_chain<const N: usize>(
    shape: [usize; N],
    seed: u64,
    seeds: &[OpSeed],
    mode: u8,
) -> TestResult
where
    Rank<N>: RankOps<N>,
{
    bumper::no_escape(|s| {
        let data: Vec<i64> = values(seed, len_of(&shape));
        let mut a = s.alloc_from_slice(shape, &data);
        let base = a.as_ptr();
        let start = ViewModel::full(&shape);
        let (ops, models) = resolve_chain(seeds, &start);
        let m = last_model(&models, &start);
        let mut expect = data.clone();
        with_mut_chain(a.view_mut(), &ops, &mut |mut t| {
            check_ptr(&t, &m, &data, base)?;
            let idxs = index_arrays::<N>(&m.shape);
            match mode % 4 {
                0 => {
                    prop_assert_eq!(t.iter_mut().len(), m.len());
                    for (k, x) in t.iter_mut().enumerate() {
                        *x = 1000 + k as i64;
                    }
                }
                1 => {
                    for (k, &idx) in idxs.iter().enumerate() {
                        t[idx] = 1000 + k as i64;
                    }
                }
                2 => {
                    for (k, &idx) in idxs.iter().enumerate() {
                        *t.get_mut(idx).expect("in bounds") = 1000 + k as i64;
                    }
                    for axis in 0..N {
                        let mut i = [0; N];
                        i[axis] = m.shape[axis];
                        prop_assert!(t.get_mut(i).is_none());
                    }
                }
                _ => match t.as_slice_mut() {
                    Some(sl) => {
                        prop_assert!(m.is_standard_contiguous());
                        prop_assert_eq!(sl.len(), m.len());
                        for (k, x) in sl.iter_mut().enumerate() {
                            *x = 1000 + k as i64;
                        }
                    }
                    None => {
                        prop_assert!(!m.is_standard_contiguous());
                        t.iter_mut()
                            .enumerate()
                            .for_each(|(k, x)| *x = 1000 + k as i64);
                    }
                },
            }
            Ok(())
        })?;
        for (k, &p) in m.pos.iter().enumerate() {
            expect[p] = 1000 + k as i64;
        }
        prop_assert_eq!(a.to_vec(), expect);
        Ok(())
    })
}

/// `split_at_mut` after a chain: the halves match the model, can be written
/// at the same time, and together change exactly the parent view.
fn prop_split_halves<const N: usize>(
    shape: [usize; N],
    seed: u64,
    seeds: &[OpSeed],
    axis: usize,
    at: usize,
) -> TestResult
where
    Rank<N>: RankOps<N>,
{
    bumper::no_escape(|s| {
        let data: Vec<i64> = values(seed, len_of(&shape));
        let mut a = s.alloc_from_slice(shape, &data);
        let base = a.as_ptr();
        let start = ViewModel::full(&shape);
        let (ops, models) = resolve_chain(seeds, &start);
        let m = last_model(&models, &start);
        let axis = axis % N;
        let at = at % (m.shape[axis] + 1);
        let (ml, mr) = m.split(axis, at);
        with_mut_chain(a.view_mut(), &ops, &mut |mut t| {
            let (mut l, mut r) = t.split_at_mut(axis, at);
            check_ptr(&l, &ml, &data, base)?;
            check_ptr(&r, &mr, &data, base)?;
            // Interleave writes to both halves.
            r.fill(-200);
            l.fill(-100);
            r.map_inplace(|x| *x -= 1);
            TestResult::Ok(())
        })?;
        let mut expect = data.clone();
        ml.pos.iter().for_each(|&p| expect[p] = -100);
        mr.pos.iter().for_each(|&p| expect[p] = -201);
        prop_assert_eq!(a.to_vec(), expect);
        // The read-only split agrees.
        let v = apply_view_chain(a.view(), &ops);
        let (vl, vr) = v.split_at(axis, at);
        let now = a.to_vec();
        check_view(&vl, &ml, &now, base)?;
        check_view(&vr, &mr, &now, base)?;
        Ok(())
    })
}

/// `reshape` / `reshape_mut` succeed exactly on contiguous views (model:
/// consecutive positions), keep the logical order, and report
/// `NotContiguous` / `LengthMismatch` otherwise; `from_slice` likewise.
fn prop_reshape<const N: usize>(
    shape: [usize; N],
    seed: u64,
    seeds: &[OpSeed],
    dims_perm: &[usize],
) -> TestResult
where
    Rank<N>: RankOps<N>,
{
    bumper::no_escape(|s| {
        let data: Vec<i64> = values(seed, len_of(&shape));
        let mut a = s.alloc_from_slice(shape, &data);
        let base = a.as_ptr();
        let start = ViewModel::full(&shape);
        let (ops, models) = resolve_chain(seeds, &start);
        let m = last_model(&models, &start);
        let len = m.len();
        let contiguous = m.is_standard_contiguous();
        let v = apply_view_chain(a.view(), &ops);
        let not_contiguous = ShapeError::NotContiguous {
            shape: m.shape.clone(),
            strides: v.strides().to_vec(),
        };

        // To rank 1, to a shuffled shape of rank N, to rank 2.
        let flat = v.reshape([len]);
        let shuffled: [usize; N] = core::array::from_fn(|k| m.shape[dims_perm[k]]);
        let same_rank = v.reshape(shuffled);
        let two = v.reshape([1, len]);
        if contiguous {
            check_view(&flat.unwrap(), &m.reshaped(&[len]), &data, base)?;
            check_view(&same_rank.unwrap(), &m.reshaped(&shuffled), &data, base)?;
            check_view(&two.unwrap(), &m.reshaped(&[1, len]), &data, base)?;
        } else {
            prop_assert_eq!(flat.unwrap_err(), not_contiguous.clone());
            prop_assert_eq!(same_rank.unwrap_err(), not_contiguous.clone());
            prop_assert_eq!(two.unwrap_err(), not_contiguous.clone());
        }
        // A wrong element count.
        let mismatch = ShapeError::LengthMismatch {
            dims: vec![len + 1],
            expected: len + 1,
            actual: len,
        };
        match v.reshape([len + 1]) {
            Err(e) if contiguous => prop_assert_eq!(e, mismatch),
            Err(e) => prop_assert!(e == mismatch || e == not_contiguous, "{:?}", e),
            Ok(r) => prop_assert!(false, "reshape to {:?} gave {:?}", [len + 1], r.shape()),
        }

        // reshape_mut writes through to the model's positions.
        let mut expect = data.clone();
        with_mut_chain(a.view_mut(), &ops, &mut |mut t| {
            match t.reshape_mut(shuffled) {
                Ok(mut r) => {
                    prop_assert!(contiguous);
                    prop_assert_eq!(&r.shape()[..], &shuffled[..]);
                    for (k, x) in r.iter_mut().enumerate() {
                        *x = 500 + k as i64;
                    }
                }
                Err(e) => {
                    prop_assert!(!contiguous);
                    prop_assert_eq!(e, not_contiguous.clone());
                }
            }
            Ok(())
        })?;
        if contiguous {
            for (k, &p) in m.pos.iter().enumerate() {
                expect[p] = 500 + k as i64;
            }
        }
        prop_assert_eq!(a.to_vec(), expect);

        // from_slice: row-major over the slice, or a length error.
        let fs = ArrayView::from_slice(shape, &data).unwrap();
        check_view(&fs, &ViewModel::full(&shape), &data, data.as_ptr())?;
        let short = &data[..data.len().saturating_sub(1)];
        if !data.is_empty() {
            prop_assert_eq!(
                ArrayView::from_slice(shape, short).unwrap_err(),
                ShapeError::LengthMismatch {
                    dims: shape.to_vec(),
                    expected: data.len(),
                    actual: data.len() - 1,
                }
            );
        }
        Ok(())
    })
}

/// `index_axis::<M>` (M = N - 1) after a chain, then another chain on the
/// lower-rank view; `index_axis_mut` writes only its slab; an index past
/// the end panics.
#[allow(clippy::too_many_arguments)]
fn prop_index_axis<const N: usize, const M: usize>(
    shape: [usize; N],
    seed: u64,
    seeds: &[OpSeed],
    axis: usize,
    i: usize,
    seeds2: &[OpSeed],
) -> TestResult
where
    Rank<N>: RankOps<N>,
    Rank<M>: RankOps<M>,
    bumper::array::Rank<N>: OneLess<M>,
{
    bumper::no_escape(|s| {
        let data: Vec<i64> = values(seed, len_of(&shape));
        let mut a = s.alloc_from_slice(shape, &data);
        let base = a.as_ptr();
        let start = ViewModel::full(&shape);
        let (ops, models) = resolve_chain(seeds, &start);
        let m = last_model(&models, &start);
        let axis = axis % N;
        let v = apply_view_chain(a.view(), &ops);
        let len = m.shape[axis];
        let past = catch_unwind(AssertUnwindSafe(|| v.index_axis::<M>(axis, len).len()));
        prop_assert!(past.is_err(), "index_axis({}, {}) did not panic", axis, len);
        if len == 0 {
            return Ok(());
        }
        let i = i % len;
        let mi = m.indexed(axis, i);
        let w = v.index_axis::<M>(axis, i);
        check_view(&w, &mi, &data, base)?;
        let (ops2, models2) = resolve_chain(seeds2, &mi);
        let m2 = last_model(&models2, &mi);
        check_view(&apply_view_chain(w, &ops2), &m2, &data, base)?;

        with_mut_chain(a.view_mut(), &ops, &mut |mut t| {
            let sub = t.index_axis_mut::<M>(axis, i);
            with_mut_chain(sub, &ops2, &mut |mut u| {
                check_ptr(&u, &m2, &data, base)?;
                u.map_inplace(|x| *x = *x * 10 + 3);
                TestResult::Ok(())
            })
        })?;
        let mut expect = data.clone();
        m2.pos.iter().for_each(|&p| expect[p] = expect[p] * 10 + 3);
        prop_assert_eq!(a.to_vec(), expect);
        Ok(())
    })
}

/// `broadcast_to` from views with axes of length 1: same rank (N), one
/// more leading axis (P = N + 1), errors for incompatible shapes and for a
/// lower rank (M = N - 1); views of the broadcast view still match.
#[allow(clippy::too_many_arguments)]
fn prop_broadcast<const N: usize, const M: usize, const P: usize>(
    shape: [usize; N],
    seed: u64,
    seeds: &[OpSeed],
    grow: [usize; N],
    lead: usize,
    seeds2: &[OpSeed],
    pick: usize,
) -> TestResult
where
    Rank<N>: RankOps<N>,
{
    bumper::no_escape(|s| {
        let data: Vec<i64> = values(seed, len_of(&shape));
        let a = s.alloc_from_slice(shape, &data);
        let base = a.as_ptr();
        let start = ViewModel::full(&shape);
        let (ops, models) = resolve_chain(seeds, &start);
        let m = last_model(&models, &start);
        let v = apply_view_chain(a.view(), &ops);
        let vshape: [usize; N] = arr(&m.shape);

        // Same rank: size-1 axes grow to 0..=4.
        let dims: [usize; N] =
            core::array::from_fn(|k| if vshape[k] == 1 { grow[k] } else { vshape[k] });
        let mb = m.broadcast(&dims).expect("compatible by construction");
        let b = v.broadcast_to(dims).unwrap();
        check_view(&b, &mb, &data, base)?;
        let (ops2, models2) = resolve_chain(seeds2, &mb);
        check_view(
            &apply_view_chain(b, &ops2),
            &last_model(&models2, &mb),
            &data,
            base,
        )?;
        // The PtrArray form agrees when there is nothing to chain.
        if ops.is_empty() {
            check_view(&a.broadcast_to(dims).unwrap(), &mb, &data, base)?;
        }

        // One leading axis.
        let dims_p: [usize; P] = core::array::from_fn(|k| if k == 0 { lead } else { dims[k - 1] });
        let mp = m.broadcast(&dims_p).expect("compatible by construction");
        check_view(&v.broadcast_to(dims_p).unwrap(), &mp, &data, base)?;

        // Incompatible: an axis neither 1 nor equal.
        let axis = pick % N;
        if vshape[axis] != 1 {
            let mut bad = vshape;
            bad[axis] = vshape[axis] + 1;
            prop_assert_eq!(m.broadcast(&bad), Err(BroadcastRefusal::Incompatible));
            prop_assert_eq!(
                v.broadcast_to(bad).unwrap_err(),
                ShapeError::Incompatible {
                    left: bad.to_vec(),
                    right: vshape.to_vec(),
                }
            );
        }
        // Fewer axes.
        prop_assert_eq!(
            v.broadcast_to([0; M]).unwrap_err(),
            ShapeError::RankTooLow { from: N, to: M }
        );
        prop_assert_eq!(a.to_vec(), data);
        Ok(())
    })
}

// ---- properties: elementwise operations -------------------------------------

/// `fill`, `map_inplace` and scalar operators on a view change exactly the
/// view's elements.
fn prop_fill_map<const N: usize>(
    shape: [usize; N],
    seed: u64,
    seeds: &[OpSeed],
    which: u8,
    c: i64,
) -> TestResult
where
    Rank<N>: RankOps<N>,
{
    bumper::no_escape(|s| {
        let data: Vec<i64> = values(seed, len_of(&shape));
        let mut a = s.alloc_from_slice(shape, &data);
        let start = ViewModel::full(&shape);
        let (ops, models) = resolve_chain(seeds, &start);
        let m = last_model(&models, &start);
        let c = if which % 6 == 5 && c == 0 { 3 } else { c };
        with_mut_chain(a.view_mut(), &ops, &mut |mut t| {
            match which % 6 {
                0 => t.fill(c),
                1 => t.map_inplace(|x| *x = *x * 3 - c),
                2 => t += c,
                3 => t -= c,
                4 => t *= c,
                _ => t /= c,
            }
            TestResult::Ok(())
        })?;
        let mut expect = data.clone();
        model_update(&mut expect, &m, |x, _| match which % 6 {
            0 => c,
            1 => x * 3 - c,
            2 => x + c,
            3 => x - c,
            4 => x * c,
            _ => x / c,
        });
        prop_assert_eq!(a.to_vec(), expect);
        Ok(())
    })
}

/// `assign` / `try_assign` / `zip_mut_with` / `try_zip_mut_with` from a
/// strided source whose shape broadcasts to the target view; an
/// incompatible source gives `ShapeError::Incompatible` and changes nothing.
fn prop_assign_zip<const N: usize>(
    shape: [usize; N],
    seed: u64,
    seeds: &[OpSeed],
    src: &SrcSeed,
    which: u8,
    pick: usize,
) -> TestResult
where
    Rank<N>: RankOps<N>,
{
    bumper::no_escape(|s| {
        let data: Vec<i64> = values(seed, len_of(&shape));
        let mut a = s.alloc_from_slice(shape, &data);
        let start = ViewModel::full(&shape);
        let (ops, models) = resolve_chain(seeds, &start);
        let m = last_model(&models, &start);
        let tshape: [usize; N] = arr(&m.shape);
        let source = make_source::<i64, N>(s, with_ones(tshape, &src.ones), src, false);
        let bad = make_source::<i64, N>(s, incompatible_with(tshape, pick), src, false);
        let f = |x: &mut i64, y: &i64| *x = *x * 2 - *y;
        with_mut_chain(a.view_mut(), &ops, &mut |mut t| {
            let incompatible = ShapeError::Incompatible {
                left: tshape.to_vec(),
                right: bad.m.shape.clone(),
            };
            prop_assert_eq!(t.try_assign(bad.view()), Err(incompatible.clone()));
            prop_assert_eq!(
                t.try_zip_mut_with(&bad.view(), |_, _: &i64| unreachable!()),
                Err(incompatible)
            );
            prop_assert_eq!(t.to_vec(), m.values(&data), "a failed try_ form wrote");
            match which % 4 {
                0 => t.assign(source.view()),
                1 => t.try_assign(&source.view()).unwrap(),
                2 => t.zip_mut_with(source.view(), f),
                _ => t.try_zip_mut_with(source.view(), f).unwrap(),
            }
            Ok(())
        })?;
        let mut expect = data.clone();
        model_update(&mut expect, &m, |x, idx| {
            let y = source.at(idx);
            if which % 4 < 2 {
                y
            } else {
                x * 2 - y
            }
        });
        prop_assert_eq!(a.to_vec(), expect);
        prop_assert_eq!(source.view().to_vec(), source.m.values(&source.data));
        Ok(())
    })
}

#[derive(Clone, Copy, Debug)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
}

fn apply_op<T: Elem>(op: Op, x: T, y: T) -> T {
    let mut z = x;
    match op {
        Op::Add => z += y,
        Op::Sub => z -= y,
        Op::Mul => z *= y,
        Op::Div => z /= y,
    }
    z
}

/// What the right-hand side of a compound operator is.
#[derive(Clone, Copy, Debug)]
enum Rhs {
    Scalar,
    /// `&PtrArray` (a strided mutable view of the source).
    RefPtr,
    /// `ArrayView` by value.
    View,
    /// `&ArrayView`.
    RefView,
    /// A same-rank source with size-1 axes, through `broadcast_to`.
    Broadcast,
    /// A rank-(N-1) source through `broadcast_to` (a leading axis added).
    BroadcastLead,
}

const RHS: [Rhs; 6] = [
    Rhs::Scalar,
    Rhs::RefPtr,
    Rhs::View,
    Rhs::RefView,
    Rhs::Broadcast,
    Rhs::BroadcastLead,
];

/// `+= -= *= /=` with every kind of right-hand side, on a target view.
#[allow(clippy::too_many_arguments)]
fn prop_operators<T: Elem, const N: usize, const M: usize>(
    shape: [usize; N],
    seed: u64,
    seeds: &[OpSeed],
    src: &SrcSeed,
    op: Op,
    rhs: Rhs,
    scalar_seed: u64,
) -> TestResult
where
    Rank<N>: RankOps<N>,
{
    bumper::no_escape(|s| {
        let data: Vec<T> = values(seed, len_of(&shape));
        let mut a = s.alloc_from_slice(shape, &data);
        let start = ViewModel::full(&shape);
        let (ops, models) = resolve_chain(seeds, &start);
        let m = last_model(&models, &start);
        let tshape: [usize; N] = arr(&m.shape);
        let nonzero = matches!(op, Op::Div);
        let c: T = nonzero_values(scalar_seed, 1)[0];
        let mut source = make_source::<T, N>(s, with_ones(tshape, &src.ones), src, nonzero);
        let lead_shape: [usize; M] =
            core::array::from_fn(|k| if src.ones[k + 1] { 1 } else { tshape[k + 1] });
        let lead = make_source::<T, M>(
            s,
            lead_shape,
            &SrcSeed {
                perm: (0..M).collect(),
                flip: None,
                ones: vec![false; M],
                seed: src.seed ^ 0x5eed,
            },
            nonzero,
        );
        let (perm, flip) = (source.perm, source.flip);
        let mut src_mut = source.arr.permuted_axes_mut(perm);
        let src_ptr = match flip {
            Some(axis) => src_mut.slice_axis_step_mut(axis, .., -1),
            None => src_mut.view_mut(),
        };
        let src_view = src_ptr.view();
        with_mut_chain(a.view_mut(), &ops, &mut |mut t| {
            macro_rules! run {
                ($r:expr) => {
                    match op {
                        Op::Add => t += $r,
                        Op::Sub => t -= $r,
                        Op::Mul => t *= $r,
                        Op::Div => t /= $r,
                    }
                };
            }
            match rhs {
                Rhs::Scalar => run!(c),
                Rhs::RefPtr => run!(&src_ptr),
                Rhs::View => run!(src_view),
                Rhs::RefView => run!(&src_view),
                Rhs::Broadcast => run!(src_view.broadcast_to(tshape).unwrap()),
                Rhs::BroadcastLead => run!(lead.view().broadcast_to(tshape).unwrap()),
            }
            TestResult::Ok(())
        })?;
        let mut expect = data.clone();
        model_update(&mut expect, &m, |x, idx| {
            let y = match rhs {
                Rhs::Scalar => c,
                Rhs::BroadcastLead => lead.at(&idx[1..]),
                _ => source.at(idx),
            };
            apply_op(op, x, y)
        });
        prop_assert_eq!(a.to_vec(), expect);
        Ok(())
    })
}

/// Operators with an incompatible right-hand side panic naming both
/// shapes, and change nothing.
fn prop_operator_panics<const N: usize>(
    shape: [usize; N],
    seed: u64,
    seeds: &[OpSeed],
    src: &SrcSeed,
    pick: usize,
    which: u8,
) -> TestResult
where
    Rank<N>: RankOps<N>,
{
    bumper::no_escape(|s| {
        let data: Vec<i64> = values(seed, len_of(&shape));
        let mut a = s.alloc_from_slice(shape, &data);
        let start = ViewModel::full(&shape);
        let (ops, models) = resolve_chain(seeds, &start);
        let m = last_model(&models, &start);
        let tshape: [usize; N] = arr(&m.shape);
        let bad = make_source::<i64, N>(s, incompatible_with(tshape, pick), src, true);
        let bad_shape = bad.m.shape.clone();
        let bad_alloc = s.alloc_from_slice(arr::<N>(&bad_shape), &bad.m.values(&bad.data));
        let msg = with_mut_chain(a.view_mut(), &ops, &mut |mut t| {
            let r = catch_unwind(AssertUnwindSafe(|| match which % 6 {
                0 => t += bad.view(),
                1 => t -= &bad.view(),
                2 => t *= &bad_alloc,
                3 => t /= bad.view(),
                4 => t.assign(bad.view()),
                _ => t.zip_mut_with(bad.view(), |x, y| *x += y),
            }));
            r.err().map(|e| panic_message(&*e))
        });
        let msg = msg.expect("the operator panicked");
        prop_assert!(
            msg.contains(&format!("{tshape:?}")) && msg.contains(&format!("{bad_shape:?}")),
            "message {:?} names {:?} and {:?}",
            msg,
            tshape,
            bad_shape
        );
        prop_assert_eq!(a.to_vec(), data);
        Ok(())
    })
}

/// `zip_map_in` / `add_in` / `sub_in` / `mul_in` / `div_in` (and their
/// `try_` forms) on two strided sources whose shapes broadcast together:
/// the result has the per-axis broadcast shape, is row-major when the
/// shapes differ, and the sources do not change; incompatible shapes give
/// `Incompatible`.
#[allow(clippy::too_many_arguments)]
fn prop_zip_map_in<T: Elem, const N: usize>(
    common: [usize; N],
    sa: &SrcSeed,
    sb: &SrcSeed,
    which: u8,
    pick: usize,
) -> TestResult {
    bumper::no_escape(|s| {
        let nonzero = which % 7 == 4;
        let a = make_source::<T, N>(s, with_ones(common, &sa.ones), sa, false);
        let b = make_source::<T, N>(s, with_ones(common, &sb.ones), sb, nonzero);
        let (av, bv) = (a.view(), b.view());
        let want_shape = broadcast_shapes(&a.m.shape, &b.m.shape).expect("compatible");
        // Result shape: per axis the maximum where the other is 1.
        for ((&x, &y), &w) in a.m.shape.iter().zip(&b.m.shape).zip(&want_shape) {
            prop_assert_eq!(w, if x == 1 { y } else { x });
        }
        let out = match which % 7 {
            0 => av.add_in(s, bv),
            1 => av.sub_in(s, &bv),
            2 => av.mul_in(s, bv),
            3 => av.try_add_in(s, &bv).unwrap(),
            4 => av.div_in(s, bv),
            5 => av.zip_map_in(s, bv, |x, y| *x * T::from_i64(8) - *y),
            _ => av.try_zip_map_in(s, bv, |x, y| *y - *x).unwrap(),
        };
        let want: Vec<T> = indices(&want_shape)
            .iter()
            .map(|idx| {
                let (x, y) = (a.at(idx), b.at(idx));
                match which % 7 {
                    0 | 3 => x + y,
                    1 => x - y,
                    2 => x * y,
                    4 => x / y,
                    5 => x * T::from_i64(8) - y,
                    _ => y - x,
                }
            })
            .collect();
        prop_assert_eq!(&out.shape()[..], &want_shape[..]);
        prop_assert_eq!(out.to_vec(), want);
        // Row-major, unless both sources have the full shape (then the
        // result may keep a memory order they share: tests/toolkit_layout.rs).
        if a.m.shape != want_shape || b.m.shape != want_shape {
            prop_assert!(out.is_standard_layout());
        }
        // Pairing is exact: a tuple result.
        let pairs = av.zip_map_in(s, bv, |x, y| (*x, *y));
        let want_pairs: Vec<(T, T)> = indices(&want_shape)
            .iter()
            .map(|idx| (a.at(idx), b.at(idx)))
            .collect();
        prop_assert_eq!(pairs.to_vec(), want_pairs);
        prop_assert_eq!(av.to_vec(), a.m.values(&a.data));
        prop_assert_eq!(bv.to_vec(), b.m.values(&b.data));
        // The PtrArray forms read the allocation as it is laid out.
        let alloc_a = &a.arr;
        let alloc_b = s.alloc_from_slice(alloc_a.shape(), &values::<T>(sb.seed, alloc_a.len()));
        let sum = alloc_a.add_in(s, &alloc_b);
        let want_sum: Vec<T> = alloc_a
            .iter()
            .zip(alloc_b.iter())
            .map(|(&x, &y)| x + y)
            .collect();
        prop_assert_eq!(sum.to_vec(), want_sum);
        let z = alloc_a.zip_map_in(s, &alloc_b, |x, y| (*x, *y));
        prop_assert_eq!(
            z.to_vec(),
            alloc_a
                .iter()
                .copied()
                .zip(alloc_b.iter().copied())
                .collect::<Vec<_>>()
        );
        // Incompatible shapes.
        let ashape: [usize; N] = arr(&a.m.shape);
        if ashape.iter().any(|&n| n != 1) {
            let mut pick = pick % N;
            while ashape[pick] == 1 {
                pick = (pick + 1) % N;
            }
            let mut bad = ashape;
            bad[pick] = ashape[pick] + 2;
            let c = make_source::<T, N>(s, bad, sb, false);
            let err = ShapeError::Incompatible {
                left: ashape.to_vec(),
                right: bad.to_vec(),
            };
            prop_assert_eq!(av.try_add_in(s, c.view()).unwrap_err(), err.clone());
            prop_assert_eq!(av.try_mul_in(s, &c.view()).unwrap_err(), err.clone());
            prop_assert_eq!(av.try_zip_map_in(s, c.view(), |x, _| *x).unwrap_err(), err);
        }
        Ok(())
    })
}

// ---- properties: reductions -------------------------------------------------

/// Element types with the numeric traits the reductions need.
trait Num: Elem + Zero + One + FromPrimitive + PartialOrd {
    /// Factors whose products are exact in any order (powers of two), with
    /// an occasional 0.
    fn unit(x: i64) -> Self;
    /// Equal (integers) or within 1e-9, relatively (floats).
    fn close(a: Self, b: Self) -> bool;
    /// `v.norm()` and the model's norm of `xs`, for float types.
    fn norms<const N: usize>(v: &ArrayView<'_, Self, N>, xs: &[Self]) -> Option<(f64, f64)>;
}

impl Num for i64 {
    fn unit(x: i64) -> Self {
        match x.rem_euclid(20) {
            0 => 0,
            k if k % 2 == 0 => 1,
            _ => -1,
        }
    }
    fn close(a: Self, b: Self) -> bool {
        a == b
    }
    fn norms<const N: usize>(_: &ArrayView<'_, Self, N>, _: &[Self]) -> Option<(f64, f64)> {
        None
    }
}

impl Num for f64 {
    fn unit(x: i64) -> Self {
        match x.rem_euclid(20) {
            0 => 0.0,
            k => [1.0, -1.0, 2.0, -2.0, 0.5, -0.5][k as usize % 6],
        }
    }
    fn close(a: Self, b: Self) -> bool {
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
    }
    fn norms<const N: usize>(v: &ArrayView<'_, Self, N>, xs: &[Self]) -> Option<(f64, f64)> {
        Some((v.norm(), xs.iter().map(|x| x * x).sum::<f64>().sqrt()))
    }
}

fn unit_values<T: Num>(seed: u64, len: usize) -> Vec<T> {
    let mut rng = Rng::new(seed ^ 0x0123_4567);
    (0..len).map(|_| T::unit(rng.range(0, 1_000))).collect()
}

fn model_sum<T: Num>(xs: &[T]) -> T {
    xs.iter().fold(T::zero(), |acc, &x| acc + x)
}

fn model_min<T: Num>(xs: &[T]) -> Option<T> {
    xs.iter().copied().reduce(|a, b| if b < a { b } else { a })
}

fn model_max<T: Num>(xs: &[T]) -> Option<T> {
    xs.iter().copied().reduce(|a, b| if b > a { b } else { a })
}

/// The model of a reduction along `axis`: the shape without it, and
/// `combine` of the elements along it, in index order (`None` if `axis`
/// is empty).
fn model_axis<T: Num>(
    m: &ViewModel,
    data: &[T],
    axis: usize,
    combine: impl Fn(T, T) -> T,
) -> (Vec<usize>, Option<Vec<T>>) {
    let mut shape = m.shape.clone();
    shape.remove(axis);
    if m.shape[axis] == 0 {
        return (shape, None);
    }
    let mut out: Vec<Option<T>> = vec![None; len_of(&shape)];
    let mut k = 0;
    for_each_index(&m.shape, |idx| {
        // Row-major position in the reduced shape: skip `axis`.
        let mut r = 0;
        for (a, (&i, &n)) in idx.iter().zip(&m.shape).enumerate() {
            if a != axis {
                r = r * n + i;
            }
        }
        let x = data[m.pos[k]];
        out[r] = Some(match out[r] {
            None => x,
            Some(acc) => combine(acc, x),
        });
        k += 1;
    });
    (
        shape,
        Some(
            out.into_iter()
                .map(|o| o.expect("axis is not empty"))
                .collect(),
        ),
    )
}

fn all_close<T: Num>(got: &[T], want: &[T]) -> bool {
    got.len() == want.len() && got.iter().zip(want).all(|(&a, &b)| T::close(a, b))
}

/// Every reduction of a view (and of the array it came from) against the
/// model's values in logical order.
#[allow(clippy::too_many_arguments)]
fn check_reductions<T: Num, const N: usize, const M: usize>(
    s: &Scope<'_>,
    v: ArrayView<'_, T, N>,
    vu: ArrayView<'_, T, N>,
    m: &ViewModel,
    data: &[T],
    units: &[T],
    src: &SrcSeed,
    pick: usize,
) -> TestResult
where
    bumper::array::Rank<N>: OneLess<M>,
{
    let xs = m.values(data);
    let us = m.values(units);
    let n = xs.len();
    prop_assert_eq!(v.sum(), model_sum(&xs));
    prop_assert_eq!(vu.prod(), us.iter().fold(T::one(), |acc, &x| acc * x));
    prop_assert_eq!(v.min(), model_min(&xs));
    prop_assert_eq!(v.max(), model_max(&xs));
    match v.mean() {
        None => prop_assert_eq!(n, 0),
        Some(mean) => {
            let want = model_sum(&xs) / T::from_usize(n).unwrap();
            prop_assert!(T::close(mean, want), "mean {:?} vs {:?}", mean, want);
        }
    }
    let order = v.fold(Vec::new(), |mut acc, &x| {
        acc.push(x);
        acc
    });
    prop_assert_eq!(&order, &xs);
    if let Some((got, want)) = T::norms(&v, &xs) {
        prop_assert!(
            (got - want).abs() <= 1e-12 * want.max(1.0),
            "norm {} vs {}",
            got,
            want
        );
    }
    // dot with a strided operand of the same shape; no broadcasting.
    let shape: [usize; N] = arr(&m.shape);
    let other = make_source::<T, N>(s, shape, src, false);
    let ys = other.m.values(&other.data);
    let want_dot = xs
        .iter()
        .zip(&ys)
        .fold(T::zero(), |acc, (&x, &y)| acc + x * y);
    prop_assert_eq!(v.dot(other.view()), want_dot);
    prop_assert_eq!(v.try_dot(&other.view()), Ok(want_dot));
    if N > 0 {
        let bad = incompatible_with(shape, pick);
        let c = make_source::<T, N>(s, bad, src, false);
        prop_assert_eq!(
            v.try_dot(c.view()),
            Err(ShapeError::ShapeMismatch {
                left: shape.to_vec(),
                right: bad.to_vec(),
            })
        );
    }
    // Along each axis.
    for axis in 0..N {
        let (rshape, sums) = model_axis(m, data, axis, |a, b| a + b);
        let sums = sums.unwrap_or_else(|| vec![T::zero(); len_of(&rshape)]);
        let r = v.sum_axis::<M>(axis, s);
        prop_assert_eq!(&r.shape()[..], &rshape[..]);
        prop_assert_eq!(r.as_slice(), Some(&sums[..]), "sum_axis({})", axis);

        let len = m.shape[axis];
        let mean = v.mean_axis::<M>(axis, s);
        let max = v.max_axis::<M>(axis, s);
        let min = v.min_axis::<M>(axis, s);
        if len == 0 {
            prop_assert!(mean.is_none() && max.is_none() && min.is_none());
            continue;
        }
        let count = T::from_usize(len).unwrap();
        let means: Vec<T> = sums.iter().map(|&x| x / count).collect();
        let mean = mean.expect("axis is not empty");
        prop_assert_eq!(&mean.shape()[..], &rshape[..]);
        prop_assert!(all_close(&mean.to_vec(), &means), "mean_axis({})", axis);
        let (_, maxs) = model_axis(m, data, axis, |a, b| if b > a { b } else { a });
        let (_, mins) = model_axis(m, data, axis, |a, b| if b < a { b } else { a });
        let (max, min) = (max.expect("not empty"), min.expect("not empty"));
        prop_assert_eq!(&max.shape()[..], &rshape[..]);
        prop_assert_eq!(&min.shape()[..], &rshape[..]);
        prop_assert_eq!(max.to_vec(), maxs.unwrap());
        prop_assert_eq!(min.to_vec(), mins.unwrap());
    }
    Ok(())
}

/// Reductions on a random view chain, optionally broadcast (stride-0
/// axes), for the view and for the `PtrArray` methods of the whole array.
#[allow(clippy::too_many_arguments)]
fn prop_reductions<T: Num, const N: usize, const M: usize>(
    shape: [usize; N],
    seed: u64,
    seeds: &[OpSeed],
    grow: Option<[usize; N]>,
    src: &SrcSeed,
    pick: usize,
) -> TestResult
where
    Rank<N>: RankOps<N>,
    bumper::array::Rank<N>: OneLess<M>,
{
    bumper::no_escape(|s| {
        let len = len_of(&shape);
        let data: Vec<T> = values(seed, len);
        let units: Vec<T> = unit_values(seed, len);
        let a = s.alloc_from_slice(shape, &data);
        let u = s.alloc_from_slice(shape, &units);
        let start = ViewModel::full(&shape);
        let (ops, models) = resolve_chain(seeds, &start);
        let mut m = last_model(&models, &start);
        let mut v = apply_view_chain(a.view(), &ops);
        let mut vu = apply_view_chain(u.view(), &ops);
        if let Some(grow) = grow {
            let dims: [usize; N] =
                core::array::from_fn(|k| if m.shape[k] == 1 { grow[k] } else { m.shape[k] });
            m = m.broadcast(&dims).expect("compatible by construction");
            v = v.broadcast_to(dims).unwrap();
            vu = vu.broadcast_to(dims).unwrap();
        }
        check_view(&v, &m, &data, a.as_ptr())?;
        check_reductions::<T, N, M>(s, v, vu, &m, &data, &units, src, pick)?;

        // The PtrArray forms on the whole array.
        let xs = &data;
        prop_assert_eq!(a.sum(), model_sum(xs));
        prop_assert_eq!(u.prod(), units.iter().fold(T::one(), |acc, &x| acc * x));
        prop_assert_eq!(a.min(), model_min(xs));
        prop_assert_eq!(a.max(), model_max(xs));
        prop_assert_eq!(a.mean().is_none(), xs.is_empty());
        prop_assert_eq!(a.fold(0usize, |k, _| k + 1), len);
        let squares = xs.iter().fold(T::zero(), |acc, &x| acc + x * x);
        prop_assert_eq!(a.dot(&a), squares);
        prop_assert_eq!(a.try_dot(a.view()), Ok(squares));
        if N > 0 {
            let full = ViewModel::full(&shape);
            let (rshape, sums) = model_axis(&full, &data, 0, |x, y| x + y);
            let sums = sums.unwrap_or_else(|| vec![T::zero(); len_of(&rshape)]);
            prop_assert_eq!(a.sum_axis::<M>(0, s).to_vec(), sums);
            prop_assert_eq!(a.max_axis::<M>(0, s).is_none(), shape[0] == 0);
            prop_assert_eq!(a.min_axis::<M>(0, s).is_none(), shape[0] == 0);
            prop_assert_eq!(a.mean_axis::<M>(0, s).is_none(), shape[0] == 0);
        }
        prop_assert_eq!(a.to_vec(), data);
        Ok(())
    })
}

/// Long strided rank-1 and rank-2 views (thousands of elements, so the
/// pairwise sums run over several blocks): sum, dot, min, max, fold,
/// sum_axis.
fn prop_long_reductions<T: Num>(
    rows: usize,
    cols: usize,
    seed: u64,
    start: usize,
    step: isize,
    transpose: bool,
) -> TestResult {
    bumper::no_escape(|s| {
        let len = rows * cols;
        let data: Vec<T> = values(seed, len);
        let a = s.alloc_from_slice([rows, cols], &data);
        let mut m = ViewModel::full(&[rows, cols]);
        let mut v = a.view();
        if transpose {
            m = m.permuted(&[1, 0]);
            v = v.t();
        }
        let axis = if m.shape[1] > 1 { 1 } else { 0 };
        let first = start % (m.shape[axis] + 1);
        m = m.sliced(axis, first, m.shape[axis], step);
        v = v.slice_axis_step(axis, first.., step);
        let xs = m.values(&data);
        prop_assert_eq!(v.sum(), model_sum(&xs));
        prop_assert_eq!(v.min(), model_min(&xs));
        prop_assert_eq!(v.max(), model_max(&xs));
        prop_assert_eq!(v.dot(v), xs.iter().fold(T::zero(), |acc, &x| acc + x * x));
        prop_assert_eq!(
            v.fold(Vec::new(), |mut acc, &x| {
                acc.push(x);
                acc
            }),
            xs.clone()
        );
        for axis in 0..2 {
            let (rshape, sums) = model_axis(&m, &data, axis, |x, y| x + y);
            let sums = sums.unwrap_or_else(|| vec![T::zero(); len_of(&rshape)]);
            prop_assert_eq!(
                v.sum_axis::<1>(axis, s).to_vec(),
                sums,
                "sum_axis({})",
                axis
            );
        }
        let flat = ViewModel::full(&[len]).sliced(0, first.min(len), len, step);
        let f = ArrayView::from_slice([len], &data)
            .unwrap()
            .slice_axis_step(0, first.min(len).., step);
        prop_assert_eq!(f.sum(), model_sum(&flat.values(&data)));
        prop_assert_eq!(f.to_vec(), flat.values(&data));
        Ok(())
    })
}

// ---- one suite per rank -----------------------------------------------------

macro_rules! rank_suite {
    ($name:ident, N = $n:literal, M = $m:literal, P = $p:literal) => {
        mod $name {
            use super::*;

            proptest! {
                #![proptest_config(config())]

                #[test]
                fn view_chain(shape in shape::<$n>(), seed: u64, ops in op_seeds($n)) {
                    prop_view_chain::<$n>(shape, seed, &ops)?;
                }

                #[test]
                fn mut_chain(shape in shape::<$n>(), seed: u64, ops in op_seeds($n), mode: u8) {
                    prop_mut_chain::<$n>(shape, seed, &ops, mode)?;
                }

                #[test]
                fn split_at_mut_halves(
                    shape in shape::<$n>(), seed: u64, ops in op_seeds($n),
                    axis in 0usize..$n, at in 0usize..7,
                ) {
                    prop_split_halves::<$n>(shape, seed, &ops, axis, at)?;
                }

                #[test]
                fn reshape(shape in shape::<$n>(), seed: u64, ops in op_seeds($n), p in perm($n)) {
                    prop_reshape::<$n>(shape, seed, &ops, &p)?;
                }

                #[test]
                fn index_axis(
                    shape in shape::<$n>(), seed: u64, ops in op_seeds($n),
                    axis in 0usize..$n, i in 0usize..6, ops2 in op_seeds($m),
                ) {
                    prop_index_axis::<$n, $m>(shape, seed, &ops, axis, i, &ops2)?;
                }

                #[test]
                fn broadcast_to(
                    shape in shape_ones::<$n>(), seed: u64, ops in op_seeds($n),
                    grow in proptest::array::uniform::<_, $n>(0usize..=4),
                    lead in 0usize..=3, ops2 in op_seeds($n), pick: usize,
                ) {
                    prop_broadcast::<$n, $m, $p>(shape, seed, &ops, grow, lead, &ops2, pick)?;
                }

                #[test]
                fn fill_map_inplace_scalar_ops(
                    shape in shape::<$n>(), seed: u64, ops in op_seeds($n),
                    which: u8, c in -5i64..=5,
                ) {
                    prop_fill_map::<$n>(shape, seed, &ops, which, c)?;
                }

                #[test]
                fn assign_and_zip_mut_with(
                    shape in shape::<$n>(), seed: u64, ops in op_seeds($n),
                    src in src_seed($n), which: u8, pick: usize,
                ) {
                    prop_assign_zip::<$n>(shape, seed, &ops, &src, which, pick)?;
                }

                #[test]
                fn operators_i64(
                    shape in shape::<$n>(), seed: u64, ops in op_seeds($n), src in src_seed($n),
                    op in prop_oneof![Just(Op::Add), Just(Op::Sub), Just(Op::Mul), Just(Op::Div)],
                    rhs in proptest::sample::select(&RHS[..]), c: u64,
                ) {
                    prop_operators::<i64, $n, $m>(shape, seed, &ops, &src, op, rhs, c)?;
                }

                #[test]
                fn operators_f64(
                    shape in shape::<$n>(), seed: u64, ops in op_seeds($n), src in src_seed($n),
                    op in prop_oneof![Just(Op::Add), Just(Op::Sub), Just(Op::Mul), Just(Op::Div)],
                    rhs in proptest::sample::select(&RHS[..]), c: u64,
                ) {
                    prop_operators::<f64, $n, $m>(shape, seed, &ops, &src, op, rhs, c)?;
                }

                #[test]
                fn zip_map_in_i64(
                    common in shape::<$n>(), sa in src_seed($n), sb in src_seed($n),
                    which: u8, pick: usize,
                ) {
                    prop_zip_map_in::<i64, $n>(common, &sa, &sb, which, pick)?;
                }

                #[test]
                fn zip_map_in_f64(
                    common in shape::<$n>(), sa in src_seed($n), sb in src_seed($n),
                    which: u8, pick: usize,
                ) {
                    prop_zip_map_in::<f64, $n>(common, &sa, &sb, which, pick)?;
                }
            }

            proptest! {
                #![proptest_config(config())]

                #[test]
                fn reductions_i64(
                    shape in prop_oneof![shape::<$n>(), shape_ones::<$n>()], seed: u64,
                    ops in op_seeds($n),
                    grow in proptest::option::of(proptest::array::uniform::<_, $n>(0usize..=3)),
                    src in src_seed($n), pick: usize,
                ) {
                    prop_reductions::<i64, $n, $m>(shape, seed, &ops, grow, &src, pick)?;
                }

                #[test]
                fn reductions_f64(
                    shape in prop_oneof![shape::<$n>(), shape_ones::<$n>()], seed: u64,
                    ops in op_seeds($n),
                    grow in proptest::option::of(proptest::array::uniform::<_, $n>(0usize..=3)),
                    src in src_seed($n), pick: usize,
                ) {
                    prop_reductions::<f64, $n, $m>(shape, seed, &ops, grow, &src, pick)?;
                }
            }

            proptest! {
                #![proptest_config(config_with(64))]

                #[test]
                fn incompatible_operators_panic(
                    shape in shape::<$n>(), seed: u64, ops in op_seeds($n),
                    src in src_seed($n), pick: usize, which: u8,
                ) {
                    prop_operator_panics::<$n>(shape, seed, &ops, &src, pick, which)?;
                }
            }
        }
    };
}

rank_suite!(rank1, N = 1, M = 0, P = 2);
rank_suite!(rank2, N = 2, M = 1, P = 3);
rank_suite!(rank3, N = 3, M = 2, P = 4);
rank_suite!(rank4, N = 4, M = 3, P = 5);

/// Lengths of the long rank-1 views: up to past one pairwise leaf (2048
/// elements) natively; rows of well over the lane count under Miri, which
/// is slow (`tests/reductions.rs` crosses a leaf under Miri).
fn long_len() -> BoxedStrategy<usize> {
    if cfg!(miri) {
        (129usize..=150).boxed()
    } else {
        (0usize..=3000).boxed()
    }
}

/// Sides of the long rank-2 views (up to 3600 elements natively, 121-169
/// under Miri).
fn long_side() -> BoxedStrategy<usize> {
    if cfg!(miri) {
        (11usize..=13).boxed()
    } else {
        (0usize..=60).boxed()
    }
}

proptest! {
    #![proptest_config(config_with(64))]

    #[test]
    fn long_reductions_i64(
        (rows, cols) in prop_oneof![(Just(1usize), long_len()), (long_side(), long_side())],
        seed: u64, start in 0usize..8, step in step(), transpose: bool,
    ) {
        prop_long_reductions::<i64>(rows, cols, seed, start, step, transpose)?;
    }

    #[test]
    fn long_reductions_f64(
        (rows, cols) in prop_oneof![(Just(1usize), long_len()), (long_side(), long_side())],
        seed: u64, start in 0usize..8, step in step(), transpose: bool,
    ) {
        prop_long_reductions::<f64>(rows, cols, seed, start, step, transpose)?;
    }
}
