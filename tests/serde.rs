//! serde: `Serialize` in ndarray's format and `ArraySeed` deserializing into
//! a scope, with every kind of bad input.
#![cfg(feature = "serde")]

mod common;
use common::from_json;

use bumper::array::ArraySeed;
use bumper::{AllocBuffer, Buffer};
use serde::de::DeserializeSeed;

/// The error message (without serde_json's "at line .. column .." suffix).
fn err_of<T, const N: usize>(json: &str) -> String
where
    T: Copy + serde::de::DeserializeOwned + std::fmt::Debug + 'static,
{
    bumper::no_escape(|s| {
        let e = from_json::<T, N>(s, json).unwrap_err().to_string();
        match e.find(" at line ") {
            Some(i) => e[..i].to_string(),
            None => e,
        }
    })
}

#[test]
fn exact_json() {
    bumper::no_escape(|s| {
        let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            r#"{"v":1,"dim":[2,2],"data":[1,2,3,4]}"#
        );
        assert_eq!(
            serde_json::to_string(&a.view()).unwrap(),
            r#"{"v":1,"dim":[2,2],"data":[1,2,3,4]}"#
        );
        let scalar = s.alloc_filled([], 2.5_f64);
        assert_eq!(
            serde_json::to_string(&scalar).unwrap(),
            r#"{"v":1,"dim":[],"data":[2.5]}"#
        );
        let empty = s.alloc::<i32, 2>([0, 3]);
        assert_eq!(
            serde_json::to_string(&empty).unwrap(),
            r#"{"v":1,"dim":[0,3],"data":[]}"#
        );
    });
}

#[test]
fn matches_ndarrays_layout_of_the_fields() {
    // ndarray's own JSON for arr2(&[[1, 2, 3], [4, 5, 6]]) (ndarray's serde
    // feature is not enabled here, so the expected text is written out).
    bumper::no_escape(|s| {
        let a = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
        assert_eq!(
            serde_json::to_string(&a).unwrap(),
            r#"{"v":1,"dim":[2,3],"data":[1,2,3,4,5,6]}"#
        );
    });
}

#[test]
fn round_trips_ranks_0_to_3() {
    bumper::no_escape(|s| {
        let a0 = s.alloc_filled([], 7_i64);
        let json = serde_json::to_string(&a0).unwrap();
        assert_eq!(from_json::<i64, 0>(s, &json).unwrap(), a0);

        let a1 = s.alloc_from_slice([4], &[0.5, -1.25, 3.0, 1e300]);
        let json = serde_json::to_string(&a1).unwrap();
        let b1 = from_json::<f64, 1>(s, &json).unwrap();
        assert_eq!(b1, a1);
        assert_eq!(b1.strides(), [1]);

        let a2 = s.alloc_with([3, 2], |[i, j]| (i * 2 + j) as u16);
        let json = serde_json::to_string(&a2).unwrap();
        let b2 = from_json::<u16, 2>(s, &json).unwrap();
        assert_eq!(b2, a2);

        let a3 = s.alloc_with([2, 3, 2], |[i, j, k]| (100 * i + 10 * j + k) as i32);
        let json = serde_json::to_string(&a3).unwrap();
        let b3 = from_json::<i32, 3>(s, &json).unwrap();
        assert_eq!(b3, a3);
        assert_eq!(b3.strides(), [6, 2, 1]);

        let e = s.alloc::<f32, 3>([2, 0, 4]);
        let json = serde_json::to_string(&e).unwrap();
        assert_eq!(from_json::<f32, 3>(s, &json).unwrap(), e);

        // Through serde_json::Value too (owned strings for the keys).
        let value = serde_json::to_value(&a2).unwrap();
        let b = ArraySeed::<u16, 2>::new(s).deserialize(value).unwrap();
        assert_eq!(b, a2);
    });
}

#[test]
fn transposed_view_serializes_in_logical_order() {
    bumper::no_escape(|s| {
        let a = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
        let json = serde_json::to_string(&a.t()).unwrap();
        assert_eq!(json, r#"{"v":1,"dim":[3,2],"data":[1,4,2,5,3,6]}"#);
        let back = from_json::<i32, 2>(s, &json).unwrap();
        assert_eq!(back, a.t());
        assert_eq!(back.strides(), [2, 1]);

        let rev = a.slice_axis_step(1, .., -2);
        assert_eq!(
            serde_json::to_string(&rev).unwrap(),
            r#"{"v":1,"dim":[2,2],"data":[3,1,6,4]}"#
        );
        let row = s.alloc_from_slice([2], &[8, 9]);
        assert_eq!(
            serde_json::to_string(&row.broadcast_to([2, 2]).unwrap()).unwrap(),
            r#"{"v":1,"dim":[2,2],"data":[8,9,8,9]}"#
        );
    });
}

#[test]
fn fields_in_any_order() {
    bumper::no_escape(|s| {
        let expected = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
        for json in [
            r#"{"data":[1,2,3,4],"dim":[2,2],"v":1}"#,
            r#"{"dim":[2,2],"data":[1,2,3,4],"v":1}"#,
            r#"{"v":1,"data":[1,2,3,4],"dim":[2,2]}"#,
            r#"{ "dim" : [2, 2], "v" : 1, "data" : [1, 2, 3, 4] }"#,
        ] {
            assert_eq!(from_json::<i32, 2>(s, json).unwrap(), expected, "{json}");
        }
    });
}

#[test]
fn sequence_form() {
    bumper::no_escape(|s| {
        let a = from_json::<i32, 2>(s, "[1, [2, 2], [1, 2, 3, 4]]").unwrap();
        assert_eq!(a, s.alloc_from_slice([2, 2], &[1, 2, 3, 4]));
    });
    assert_eq!(
        err_of::<i32, 2>("[1, [2, 2]]"),
        "invalid length 2, expected a rank-2 array in ndarray's format: \
         {\"v\": 1, \"dim\": [2 lengths], \"data\": [elements]} or [v, dim, data]"
    );
    assert_eq!(
        err_of::<i32, 2>("[2, [2, 2], [1, 2, 3, 4]]"),
        "unknown array format version 2 (expected 1)"
    );
    assert_eq!(
        err_of::<i32, 2>("[1, [2, 2], [1, 2, 3]]"),
        "shape [2, 2] holds 4 elements but 3 were given"
    );
}

#[test]
fn wrong_version() {
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":2,"dim":[1],"data":[1]}"#),
        "unknown array format version 2 (expected 1)"
    );
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":300,"dim":[1],"data":[1]}"#),
        "unknown array format version 300 (expected 1)"
    );
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":-1,"dim":[1],"data":[1]}"#),
        "invalid value: integer `-1`, expected the format version 1"
    );
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":"1","dim":[1],"data":[1]}"#),
        "invalid type: string \"1\", expected the format version 1"
    );
}

#[test]
fn wrong_rank() {
    assert_eq!(
        err_of::<i32, 2>(r#"{"v":1,"dim":[4],"data":[1,2,3,4]}"#),
        "invalid length 1, expected a `dim` of 2 axis lengths (the array's rank)"
    );
    assert_eq!(
        err_of::<i32, 2>(r#"{"v":1,"dim":[1,2,2],"data":[1,2,3,4]}"#),
        "invalid length 3, expected a `dim` of 2 axis lengths (the array's rank)"
    );
    assert_eq!(
        err_of::<i32, 0>(r#"{"v":1,"dim":[1],"data":[1]}"#),
        "invalid length 1, expected a `dim` of 0 axis lengths (the array's rank)"
    );
}

#[test]
fn length_mismatch() {
    // dim first: read straight into the scope.
    assert_eq!(
        err_of::<i32, 2>(r#"{"v":1,"dim":[2,3],"data":[1,2,3,4,5]}"#),
        "shape [2, 3] holds 6 elements but 5 were given"
    );
    assert_eq!(
        err_of::<i32, 2>(r#"{"v":1,"dim":[2,3],"data":[1,2,3,4,5,6,7,8]}"#),
        "shape [2, 3] holds 6 elements but 8 were given"
    );
    // data first: collected, then checked.
    assert_eq!(
        err_of::<i32, 2>(r#"{"data":[1,2,3,4,5],"v":1,"dim":[2,3]}"#),
        "shape [2, 3] holds 6 elements but 5 were given"
    );
    assert_eq!(
        err_of::<i32, 0>(r#"{"v":1,"dim":[],"data":[]}"#),
        "shape [] holds 1 elements but 0 were given"
    );
    assert_eq!(
        err_of::<i32, 2>(r#"{"v":1,"dim":[0,3],"data":[1]}"#),
        "shape [0, 3] holds 0 elements but 1 were given"
    );
}

#[test]
fn overflowing_dim_is_an_error() {
    let max = usize::MAX;
    let json = format!(r#"{{"v":1,"dim":[{max},{max}],"data":[1]}}"#);
    assert!(err_of::<u8, 2>(&json)
        .starts_with("cannot allocate an array of shape [18446744073709551615, 18446744073709551615] in the scope: allocation size overflows"));
    let json = format!(r#"{{"data":[1],"v":1,"dim":[{max},{max}]}}"#);
    assert!(err_of::<u8, 2>(&json).contains("allocation size overflows"));
}

#[test]
fn missing_fields() {
    assert_eq!(
        err_of::<i32, 1>(r#"{"dim":[1],"data":[1]}"#),
        "missing field `v`"
    );
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":1,"data":[1]}"#),
        "missing field `dim`"
    );
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":1,"dim":[1]}"#),
        "missing field `data`"
    );
    assert_eq!(err_of::<i32, 1>("{}"), "missing field `v`");
}

#[test]
fn duplicate_fields() {
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":1,"v":1,"dim":[1],"data":[1]}"#),
        "duplicate field `v`"
    );
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":1,"dim":[1],"dim":[1],"data":[1]}"#),
        "duplicate field `dim`"
    );
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":1,"dim":[1],"data":[1],"data":[1]}"#),
        "duplicate field `data`"
    );
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":1,"data":[1],"data":[1],"dim":[1]}"#),
        "duplicate field `data`"
    );
}

#[test]
fn unknown_field() {
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":1,"dim":[1],"data":[1],"shape":[1]}"#),
        "unknown field `shape`, expected one of `v`, `dim`, `data`"
    );
}

#[test]
fn wrong_element_type() {
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":1,"dim":[2],"data":[1,"x"]}"#),
        "invalid type: string \"x\", expected i32"
    );
    assert_eq!(
        err_of::<u8, 1>(r#"{"data":[1,256],"v":1,"dim":[2]}"#),
        "invalid value: integer `256`, expected u8"
    );
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":1,"dim":[2],"data":[1,2.5]}"#),
        "invalid type: floating point `2.5`, expected i32"
    );
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":1,"dim":[-2],"data":[]}"#),
        "invalid value: integer `-2`, expected usize"
    );
    assert_eq!(
        err_of::<i32, 1>(r#"{"v":1,"dim":[2],"data":7}"#),
        "invalid type: integer `7`, expected the elements of an array of shape [2]"
    );
    assert!(err_of::<i32, 1>("5").starts_with("invalid type: integer `5`, expected a rank-1 array"));
}

#[test]
fn full_alloc_buffer_is_an_error_not_a_panic() {
    let buf = AllocBuffer::with_capacity(64);
    buf.no_escape(|s| {
        let _taken = s.alloc::<u8, 1>([60]);
        for json in [
            r#"{"v":1,"dim":[2,2],"data":[1,2,3,4]}"#,
            r#"{"data":[1,2,3,4],"v":1,"dim":[2,2]}"#,
            "[1, [2, 2], [1, 2, 3, 4]]",
        ] {
            let err = from_json::<f64, 2>(s, json).unwrap_err().to_string();
            assert!(
                err.starts_with(
                    "cannot allocate an array of shape [2, 2] in the scope: \
                     buffer out of capacity: requested 32 bytes"
                ),
                "{err}"
            );
        }
        // What fits still deserializes.
        let a = from_json::<u8, 1>(s, r#"{"v":1,"dim":[4],"data":[1,2,3,4]}"#).unwrap();
        assert_eq!(a.to_vec(), [1, 2, 3, 4]);
    });
}

#[test]
fn errors_leave_the_scope_usable() {
    let buf = AllocBuffer::with_capacity(256);
    buf.no_escape(|s| {
        // Fails after the array was allocated and partly written.
        assert!(from_json::<u32, 1>(s, r#"{"v":1,"dim":[8],"data":[1,2,"x"]}"#).is_err());
        let a = from_json::<u32, 1>(s, r#"{"v":1,"dim":[3],"data":[4,5,6]}"#).unwrap();
        assert_eq!(a.to_vec(), [4, 5, 6]);
    });
    assert_eq!(buf.used_bytes(), 0);
}

#[test]
fn seed_is_copy_and_debug() {
    bumper::no_escape(|s| {
        let seed = ArraySeed::<f32, 3>::new(s);
        let copy = seed;
        assert_eq!(format!("{seed:?}"), "ArraySeed<f32, 3>");
        assert_eq!(format!("{copy:?}"), "ArraySeed<f32, 3>");
    });
}
