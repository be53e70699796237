//! Fuzzes the arrays against the naive model of `tests/model/mod.rs` (a
//! row-major `Vec` and, per view, the data position of every logical
//! element, derived without strides).
//!
//! From the bytes: a rank-3 shape (axes of 0 to 4) and values; a chain of
//! views (`slice_axis_step`, `permuted_axes`, `broadcast_to`, `reshape`,
//! `split_at`), each checked in full (shape, strides, `to_vec`, `get` at
//! every index and just outside, `as_slice`, `as_ptr`, `sum`, `min`, `max`,
//! `fold`, `dot`, `sum_axis`, `cumsum_axis`, `diff_in`, `argmax`, `argmin`,
//! `any`, `all`, `map_in`); `index_axis` to rank 2 and `t`;
//! elementwise operations with broadcasting (`+=`, `-=`, `*=`, `assign`,
//! `add_in`, and the `try_` forms where the shapes do not fit); and a chain
//! of `_mut` views ending in a write (`fill`, `map_inplace`, `+=` a scalar,
//! `get_mut`), after which the whole array must equal the model's data.
#![no_main]

use bumper::array::ShapeError;
use bumper::{ArrayView, PtrArray, Scope};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/model/mod.rs"]
#[allow(dead_code)]
mod model;

use model::{broadcast_shapes, for_each_index, ViewModel};

/// Reads the input a byte at a time; zeros once it runs out.
struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        match self.0.split_first() {
            Some((&b, rest)) => {
                self.0 = rest;
                b
            }
            None => 0,
        }
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        self.byte() as usize % n
    }
}

const PERMS: [[usize; 3]; 6] = [
    [0, 1, 2],
    [0, 2, 1],
    [1, 0, 2],
    [1, 2, 0],
    [2, 0, 1],
    [2, 1, 0],
];

fn arr<const N: usize>(v: &[usize]) -> [usize; N] {
    v.try_into().expect("rank matches")
}

/// Everything a read-only view can tell, against the model.
fn check_view<const N: usize>(
    v: ArrayView<'_, i64, N>,
    vm: &ViewModel,
    data: &[i64],
    base: *const i64,
    s: &Scope<'_>,
) {
    let values = vm.values(data);
    assert_eq!(v.shape().as_slice(), vm.shape.as_slice());
    assert_eq!(v.len(), vm.len());
    assert_eq!(v.is_empty(), vm.is_empty());
    assert_eq!(v.to_vec(), values);
    assert_eq!(v.iter().copied().collect::<Vec<_>>(), values);
    for (k, stride) in vm.strides().into_iter().enumerate() {
        if let Some(stride) = stride {
            assert_eq!(v.strides()[k], stride, "stride of axis {k}");
        }
    }
    if !vm.is_empty() {
        assert_eq!(v.as_ptr(), base.wrapping_add(vm.pos[0]), "as_ptr");
    }
    match v.as_slice() {
        Some(slice) => {
            assert!(vm.is_standard_contiguous());
            assert_eq!(slice, values.as_slice());
        }
        None => assert!(!vm.is_standard_contiguous()),
    }
    // Every index, in row-major order, and one past each axis.
    let mut k = 0;
    for_each_index(&vm.shape, |index| {
        let idx: [usize; N] = arr(index);
        assert_eq!(v.get(idx), Some(&values[k]));
        assert_eq!(v[idx], values[k]);
        k += 1;
    });
    for (axis, &n) in vm.shape.iter().enumerate() {
        let mut idx = [0; N];
        idx[axis] = n;
        assert_eq!(v.get(idx), None);
    }
    let indexed: Vec<Vec<usize>> = v.indexed_iter().map(|(i, _)| i.to_vec()).collect();
    assert_eq!(indexed, model::indices(&vm.shape));
    // Reductions.
    assert_eq!(v.sum(), values.iter().sum::<i64>());
    assert_eq!(v.min(), values.iter().copied().min());
    assert_eq!(v.max(), values.iter().copied().max());
    let step = |acc: i64, &x: &i64| acc.wrapping_mul(3).wrapping_add(x);
    assert_eq!(v.fold(0, step), values.iter().fold(0, step));
    assert_eq!(v.dot(v), values.iter().map(|x| x * x).sum::<i64>());
    // Search: the first extreme in row-major order.
    let first = |better: fn(i64, i64) -> bool| {
        (0..values.len()).fold(None, |b: Option<usize>, k| match b {
            Some(b) if !better(values[k], values[b]) => Some(b),
            _ => Some(k),
        })
    };
    let unravel = |k: usize| -> [usize; N] {
        let mut idx = [0; N];
        let mut rest = k;
        for a in (0..N).rev() {
            idx[a] = rest % vm.shape[a];
            rest /= vm.shape[a];
        }
        idx
    };
    assert_eq!(v.argmax(), first(|x, b| x > b).map(unravel));
    assert_eq!(v.argmin(), first(|x, b| x < b).map(unravel));
    assert_eq!(v.any(|&x| x > 3), values.iter().any(|&x| x > 3));
    assert_eq!(v.all(|&x| x > -3), values.iter().all(|&x| x > -3));
    let mapped = v.map_in(s, |&x| 2 * x + 1);
    assert_eq!(mapped.shape(), v.shape());
    assert_eq!(
        mapped.to_vec(),
        values.iter().map(|x| 2 * x + 1).collect::<Vec<_>>()
    );
}

/// `sum_axis` of a rank-3 view against the model.
fn check_sum_axis(
    v: ArrayView<'_, i64, 3>,
    vm: &ViewModel,
    data: &[i64],
    axis: usize,
    s: &Scope<'_>,
) {
    let summed = v.sum_axis::<2>(axis, s);
    let mut shape = vm.shape.clone();
    shape.remove(axis);
    assert_eq!(summed.shape().as_slice(), shape.as_slice());
    let mut expected = Vec::new();
    for_each_index(&shape, |j| {
        let mut total = 0;
        for i in 0..vm.shape[axis] {
            let mut idx = j.to_vec();
            idx.insert(axis, i);
            total += data[vm.pos_at(&idx).expect("in bounds")];
        }
        expected.push(total);
    });
    assert_eq!(summed.to_vec(), expected);

    // Cumulative sums and first differences along the same axis.
    let cum = v.cumsum_axis(axis, s);
    let diff = v.diff_in(1.min(vm.shape[axis]), axis, s);
    let mut cum_expected = Vec::new();
    let mut diff_expected = Vec::new();
    for_each_index(&vm.shape, |i| {
        let at = |k: usize| {
            let mut idx = i.to_vec();
            idx[axis] = k;
            data[vm.pos_at(&idx).expect("in bounds")]
        };
        cum_expected.push((0..=i[axis]).map(at).sum::<i64>());
        if i[axis] + 1 < vm.shape[axis] {
            diff_expected.push(at(i[axis] + 1) - at(i[axis]));
        }
    });
    assert_eq!(cum.to_vec(), cum_expected);
    if vm.shape[axis] > 0 {
        assert_eq!(diff.to_vec(), diff_expected);
    }
}

/// One step of the read-only view chain; `false` if the step was refused
/// (with the error the model predicts) and the view is unchanged.
fn view_step<'a>(b: &mut Bytes<'_>, v: &mut ArrayView<'a, i64, 3>, vm: &mut ViewModel) {
    match b.below(5) {
        0 => {
            let axis = b.below(3);
            let n = vm.shape[axis];
            let start = b.below(n + 1);
            let end = start + b.below(n - start + 1);
            let step = [1, 2, 3, -1, -2, -3][b.below(6)];
            *v = v.slice_axis_step(axis, start..end, step);
            *vm = vm.sliced(axis, start, end, step);
        }
        1 => {
            let perm = PERMS[b.below(6)];
            *v = v.permuted_axes(perm);
            *vm = vm.permuted(&perm);
        }
        2 => {
            // Mostly a fitting shape; one in four axes anything.
            let dims: Vec<usize> = vm
                .shape
                .iter()
                .map(|&n| match (n, b.below(8)) {
                    (_, 0 | 1) => b.below(5),
                    (1, _) => b.below(4),
                    _ => n,
                })
                .collect();
            match (v.broadcast_to::<3>(arr(&dims)), vm.broadcast(&dims)) {
                (Ok(w), Ok(wm)) => (*v, *vm) = (w, wm),
                (Err(e), Err(_)) => assert_eq!(
                    e,
                    ShapeError::Incompatible {
                        left: dims,
                        right: vm.shape.clone()
                    }
                ),
                (r, m) => panic!(
                    "broadcast_to {dims:?}: {:?} but the model says {m:?}",
                    r.map(|w| w.shape())
                ),
            }
        }
        3 => {
            let len = vm.len();
            let mut dims = match b.below(4) {
                0 => vec![len, 1, 1],
                1 => vec![1, len, 1],
                2 => vec![1, 1, len],
                _ => vec![vm.shape[2], vm.shape[1], vm.shape[0]],
            };
            let wrong = b.below(8) == 0;
            if wrong {
                dims[0] += 1;
            }
            let r = v.reshape::<3>(arr(&dims));
            if wrong && model::len_of(&dims) != len {
                assert!(r.is_err(), "reshape to {dims:?} of {len} elements");
            } else if vm.is_standard_contiguous() {
                let w = r.expect("a contiguous view reshapes");
                (*v, *vm) = (w, vm.reshaped(&dims));
            } else {
                assert_eq!(
                    r.map(|w| w.shape()),
                    Err(ShapeError::NotContiguous {
                        shape: v.shape().to_vec(),
                        strides: v.strides().to_vec()
                    })
                );
            }
        }
        _ => {
            let axis = b.below(3);
            let i = b.below(vm.shape[axis] + 1);
            let (l, r) = v.split_at(axis, i);
            let (lm, rm) = vm.split(axis, i);
            if b.byte() % 2 == 0 {
                (*v, *vm) = (l, lm);
            } else {
                (*v, *vm) = (r, rm);
            }
        }
    }
}

/// A chain of `_mut` views of `a` (model `am`) ending in a write, applied
/// to `data` too.
fn mut_chain(
    b: &mut Bytes<'_>,
    mut a: PtrArray<'_, i64, 3>,
    am: ViewModel,
    data: &mut [i64],
    steps: usize,
) {
    if steps > 0 {
        match b.below(4) {
            0 => {
                let axis = b.below(3);
                let n = am.shape[axis];
                let start = b.below(n + 1);
                let end = start + b.below(n - start + 1);
                let step = [1, 2, -1, -3][b.below(4)];
                let sub = a.slice_axis_step_mut(axis, start..end, step);
                return mut_chain(b, sub, am.sliced(axis, start, end, step), data, steps - 1);
            }
            1 => {
                let perm = PERMS[b.below(6)];
                let sub = a.permuted_axes_mut(perm);
                return mut_chain(b, sub, am.permuted(&perm), data, steps - 1);
            }
            2 if am.is_standard_contiguous() => {
                let len = am.len();
                let dims = [[len, 1, 1], [1, len, 1], [1, 1, len]][b.below(3)];
                let sub = a
                    .reshape_mut::<3>(dims)
                    .expect("a contiguous view reshapes");
                return mut_chain(b, sub, am.reshaped(&dims), data, steps - 1);
            }
            _ => {
                let axis = b.below(3);
                let i = b.below(am.shape[axis] + 1);
                let (lm, rm) = am.split(axis, i);
                let left = b.byte() % 2 == 0;
                let (l, r) = a.split_at_mut(axis, i);
                return if left {
                    mut_chain(b, l, lm, data, steps - 1)
                } else {
                    mut_chain(b, r, rm, data, steps - 1)
                };
            }
        }
    }
    // The write.
    let c = b.below(17) as i64 - 8;
    match b.below(4) {
        0 => {
            a.fill(c);
            am.pos.iter().for_each(|&p| data[p] = c);
        }
        1 => {
            a.map_inplace(|x| *x = *x * 3 - 1);
            am.pos.iter().for_each(|&p| data[p] = data[p] * 3 - 1);
        }
        2 => {
            a += c;
            am.pos.iter().for_each(|&p| data[p] += c);
        }
        _ => {
            if !am.is_empty() {
                let k = b.below(am.len());
                let idx: [usize; 3] = arr(&model::unravel(k, &am.shape));
                *a.get_mut(idx).expect("in bounds") = c;
                data[am.pos[k]] = c;
            }
        }
    }
}

fuzz_target!(|input: &[u8]| {
    let mut b = Bytes(input);
    let dims = [b.below(5), b.below(5), b.below(5)];
    let (mul, add) = (b.byte() as i64 | 1, b.byte() as i64);
    let len = model::len_of(&dims);
    let mut data: Vec<i64> = (0..len as i64).map(|k| (k * mul + add) % 17 - 8).collect();
    bumper::no_escape(|s| {
        let mut a = s.alloc_from_slice(dims, &data);
        let base = a.as_ptr();

        // A chain of read-only views, each checked in full.
        let mut v = a.view();
        let mut vm = ViewModel::full(&dims);
        check_view(v, &vm, &data, base, s);
        for _ in 0..b.below(6) {
            view_step(&mut b, &mut v, &mut vm);
            check_view(v, &vm, &data, base, s);
        }
        check_sum_axis(v, &vm, &data, b.below(3), s);

        // Down to rank 2, and transposed.
        let axis = b.below(3);
        if vm.shape[axis] > 0 {
            let i = b.below(vm.shape[axis]);
            let w: ArrayView<'_, i64, 2> = v.index_axis(axis, i);
            let wm = vm.indexed(axis, i);
            check_view(w, &wm, &data, base, s);
            check_view(w.t(), &wm.permuted(&[1, 0]), &data, base, s);
        }

        // Elementwise with broadcasting: `dst op= v` (the right side may
        // repeat, the left may not grow), and `v + dst` into a new array.
        let dst_dims: [usize; 3] = arr(&vm
            .shape
            .iter()
            .map(|&n| match (n, b.below(8)) {
                (_, 0) => b.below(5),
                (1, _) => b.below(4),
                _ => n,
            })
            .collect::<Vec<_>>());
        let seed = b.byte() as i64;
        let mut dst = s.alloc_with(dst_dims, |[i, j, k]| (i * 7 + j * 3 + k) as i64 - seed % 5);
        let mut dst_data = dst.to_vec();
        let dm = ViewModel::full(&dst_dims);
        match vm.broadcast(&dst_dims) {
            Ok(right) => {
                let r = right.values(&data);
                let op = b.below(4);
                match op {
                    0 => dst += v,
                    1 => dst -= v,
                    2 => dst *= v,
                    _ => dst.assign(v),
                }
                for (x, y) in dst_data.iter_mut().zip(&r) {
                    match op {
                        0 => *x += y,
                        1 => *x -= y,
                        2 => *x *= y,
                        _ => *x = *y,
                    }
                }
                assert_eq!(dst.to_vec(), dst_data);
            }
            Err(_) => {
                assert_eq!(
                    dst.try_zip_mut_with(v, |x, y| *x += y),
                    Err(ShapeError::Incompatible {
                        left: dst_dims.to_vec(),
                        right: vm.shape.clone()
                    })
                );
                assert_eq!(dst.to_vec(), dst_data, "a refused operation writes nothing");
            }
        }
        match broadcast_shapes(&vm.shape, &dst_dims) {
            Some(shape) => {
                let sum = v.try_add_in(s, &dst).expect("the shapes broadcast");
                let l = vm.broadcast(&shape).expect("broadcastable").values(&data);
                let r = dm
                    .broadcast(&shape)
                    .expect("broadcastable")
                    .values(&dst_data);
                assert_eq!(sum.shape().as_slice(), shape.as_slice());
                assert_eq!(
                    sum.to_vec(),
                    l.iter().zip(&r).map(|(x, y)| x + y).collect::<Vec<_>>()
                );
            }
            None => assert!(v.try_add_in(s, &dst).is_err()),
        }

        // Writes through a chain of mutable views.
        let steps = b.below(4);
        mut_chain(
            &mut b,
            a.view_mut(),
            ViewModel::full(&dims),
            &mut data,
            steps,
        );
        assert_eq!(a.to_vec(), data);
        assert_eq!(a.as_slice(), Some(data.as_slice()));
    });
    assert_eq!(bumper::default_buffer_stats().used_bytes, 0);
});
