//! serde support (feature `serde`): [`Serialize`] for [`PtrArray`] and
//! [`ArrayView`] in ndarray's format, and [`ArraySeed`], which deserializes
//! that format into an array allocated in a [`Scope`].
//!
//! The format (ndarray's, so data moves between the two crates): a struct
//! `Array` with the fields `"v"` (the format version, the `u8` 1), `"dim"`
//! (the shape, a tuple of `N` `usize`s) and `"data"` (every element, in
//! logical row-major order). In JSON:
//! `{"v":1,"dim":[2,2],"data":[1,2,3,4]}`.

use core::fmt;
use core::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, SerializeStruct, SerializeTuple, Serializer};
use serde::{Deserialize, Serialize};

use super::{layout, ArrayView, PtrArray, ShapeError};
use crate::Scope;

/// The format version written to `"v"` and the only one accepted.
const FORMAT_VERSION: u8 = 1;
/// The struct's name (ndarray's).
const STRUCT_NAME: &str = "Array";
/// The field names, in the order they are written.
const FIELDS: &[&str] = &["v", "dim", "data"];

// ---- Serialize ------------------------------------------------------------

/// Writes the array in ndarray's format: `{"v": 1, "dim": [...], "data":
/// [...]}`, with `data` in logical row-major order whatever the layout
/// (read straight from the array, not copied first).
///
/// ```
/// bumper::no_escape(|s| {
///     let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
///     let json = serde_json::to_string(&a.t()).unwrap();
///     assert_eq!(json, r#"{"v":1,"dim":[2,2],"data":[1,3,2,4]}"#);
/// });
/// ```
impl<T: Serialize, const N: usize> Serialize for ArrayView<'_, T, N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut st = serializer.serialize_struct(STRUCT_NAME, 3)?;
        st.serialize_field("v", &FORMAT_VERSION)?;
        st.serialize_field("dim", &Dim(self.shape()))?;
        st.serialize_field("data", &Elements(*self))?;
        st.end()
    }
}

/// Writes the array in ndarray's format, like [`ArrayView`]'s impl.
///
/// ```
/// bumper::no_escape(|s| {
///     let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
///     let json = serde_json::to_string(&a).unwrap();
///     assert_eq!(json, r#"{"v":1,"dim":[2,2],"data":[1,2,3,4]}"#);
/// });
/// ```
impl<T: Serialize, const N: usize> Serialize for PtrArray<'_, T, N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.view().serialize(serializer)
    }
}

/// The shape, serialized like `[usize; N]` (a tuple, as serde writes
/// arrays and ndarray writes its fixed-rank shapes).
struct Dim<const N: usize>([usize; N]);

impl<const N: usize> Serialize for Dim<N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut t = serializer.serialize_tuple(N)?;
        for d in &self.0 {
            t.serialize_element(d)?;
        }
        t.end()
    }
}

/// The elements as a sequence of known length, in logical row-major order.
struct Elements<'v, T, const N: usize>(ArrayView<'v, T, N>);

impl<T: Serialize, const N: usize> Serialize for Elements<'_, T, N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for x in self.0.iter() {
            seq.serialize_element(x)?;
        }
        seq.end()
    }
}

// ---- Deserialize into a scope -----------------------------------------------

/// Deserializes an array in ndarray's format (what [`PtrArray`]'s and
/// [`ArrayView`]'s `Serialize` write) into memory of a [`Scope`]: a
/// [`DeserializeSeed`] whose value is a row-major `PtrArray<'s, T, N>`.
///
/// Both forms serde formats use for structs are accepted: a map (JSON
/// objects; the fields may come in any order) and a sequence `[v, dim,
/// data]` (formats that are not self-describing). When `"dim"` comes before
/// `"data"`, as [`Serialize`] writes it, the elements are read straight into
/// the scope array; when `"data"` comes first they are collected in a
/// temporary `Vec` and copied once `"dim"` is known.
///
/// # Errors
/// Deserialization fails (never panics), with a message naming the numbers,
/// when the version is not 1, `"dim"` does not have `N` entries, the number
/// of elements is not the product of `"dim"`, a field is missing, repeated
/// or unknown, an element does not deserialize as `T`, or the scope cannot
/// hold the array (for example a full [`AllocBuffer`](crate::AllocBuffer)).
/// Nothing is returned then; memory already taken from the scope is freed
/// with the scope, as always.
///
/// With `"dim"` first, the array's memory is taken from the scope before
/// the elements are read, so a large `"dim"` reserves that much even when
/// the data turns out to be short. For untrusted input, deserialize in a
/// scope on a fixed-capacity [`AllocBuffer`](crate::AllocBuffer), which
/// bounds the memory.
///
/// ```
/// use serde::de::DeserializeSeed;
/// use bumper::array::ArraySeed;
///
/// bumper::no_escape(|s| {
///     let json = r#"{"v":1,"dim":[2,3],"data":[1,2,3,4,5,6]}"#;
///     let mut de = serde_json::Deserializer::from_str(json);
///     let a = ArraySeed::<i32, 2>::new(s).deserialize(&mut de).unwrap();
///     assert_eq!(a.shape(), [2, 3]);
///     assert_eq!(a[[1, 0]], 4);
///
///     // A wrong rank is an error.
///     let mut de = serde_json::Deserializer::from_str(json);
///     let err = ArraySeed::<i32, 3>::new(s).deserialize(&mut de).unwrap_err();
///     assert!(err.to_string().starts_with("invalid length 2, expected a `dim` of 3 axis lengths"));
/// });
/// ```
pub struct ArraySeed<'a, 's, T, const N: usize> {
    scope: &'a Scope<'s>,
    _elem: PhantomData<fn() -> T>,
}

impl<'a, 's, T, const N: usize> ArraySeed<'a, 's, T, N> {
    /// A seed that allocates the array in `scope`.
    ///
    /// ```
    /// use serde::de::DeserializeSeed;
    /// use bumper::array::ArraySeed;
    ///
    /// bumper::no_escape(|s| {
    ///     let mut de = serde_json::Deserializer::from_str(r#"{"v":1,"dim":[3],"data":[0.5,1.5,2.5]}"#);
    ///     let a = ArraySeed::<f64, 1>::new(s).deserialize(&mut de).unwrap();
    ///     assert_eq!(a.to_vec(), [0.5, 1.5, 2.5]);
    /// });
    /// ```
    pub fn new(scope: &'a Scope<'s>) -> Self {
        ArraySeed {
            scope,
            _elem: PhantomData,
        }
    }
}

impl<T, const N: usize> Clone for ArraySeed<'_, '_, T, N> {
    /// Copies the seed (it only holds a reference to the scope).
    ///
    /// ```
    /// use bumper::array::ArraySeed;
    ///
    /// bumper::no_escape(|s| {
    ///     let seed = ArraySeed::<u8, 1>::new(s);
    ///     let _again = seed.clone();
    /// });
    /// ```
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, const N: usize> Copy for ArraySeed<'_, '_, T, N> {}

impl<T, const N: usize> fmt::Debug for ArraySeed<'_, '_, T, N> {
    /// Names the element type and the rank.
    ///
    /// ```
    /// use bumper::array::ArraySeed;
    ///
    /// bumper::no_escape(|s| {
    ///     assert_eq!(format!("{:?}", ArraySeed::<u8, 2>::new(s)), "ArraySeed<u8, 2>");
    /// });
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ArraySeed<{}, {N}>", core::any::type_name::<T>())
    }
}

impl<'de, 's, T, const N: usize> DeserializeSeed<'de> for ArraySeed<'_, 's, T, N>
where
    T: Copy + Deserialize<'de> + 's,
{
    type Value = PtrArray<'s, T, N>;

    /// Reads one array; see [`ArraySeed`].
    ///
    /// ```
    /// use serde::de::DeserializeSeed;
    /// use bumper::array::ArraySeed;
    ///
    /// bumper::no_escape(|s| {
    ///     // "data" before "dim" works too.
    ///     let mut de = serde_json::Deserializer::from_str(r#"{"data":[7],"dim":[],"v":1}"#);
    ///     let a = ArraySeed::<u8, 0>::new(s).deserialize(&mut de).unwrap();
    ///     assert_eq!(a[[]], 7);
    /// });
    /// ```
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_struct(STRUCT_NAME, FIELDS, ArrayVisitor(self))
    }
}

/// Visits the map or sequence form of the whole array.
struct ArrayVisitor<'a, 's, T, const N: usize>(ArraySeed<'a, 's, T, N>);

impl<'de, 's, T, const N: usize> Visitor<'de> for ArrayVisitor<'_, 's, T, N>
where
    T: Copy + Deserialize<'de> + 's,
{
    type Value = PtrArray<'s, T, N>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a rank-{N} array in ndarray's format: {{\"v\": 1, \"dim\": [{N} lengths], \"data\": [elements]}} or [v, dim, data]"
        )
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let Version = seq
            .next_element()?
            .ok_or_else(|| de::Error::invalid_length(0, &self))?;
        let Dim(dims) = seq
            .next_element::<Dim<N>>()?
            .ok_or_else(|| de::Error::invalid_length(1, &self))?;
        let seed = DataSeed::<T, N> {
            scope: self.0.scope,
            dims,
            _elem: PhantomData,
        };
        seq.next_element_seed(seed)?
            .ok_or_else(|| de::Error::invalid_length(2, &self))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut version = None;
        let mut dims = None;
        // "data" after "dim": read straight into the scope.
        let mut array: Option<PtrArray<'s, T, N>> = None;
        // "data" before "dim": collected until the shape is known.
        let mut pending: Option<Vec<T>> = None;
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Version => {
                    if version.is_some() {
                        return Err(de::Error::duplicate_field("v"));
                    }
                    version = Some(map.next_value::<Version>()?);
                }
                Field::Dim => {
                    if dims.is_some() {
                        return Err(de::Error::duplicate_field("dim"));
                    }
                    dims = Some(map.next_value::<Dim<N>>()?.0);
                }
                Field::Data => {
                    if array.is_some() || pending.is_some() {
                        return Err(de::Error::duplicate_field("data"));
                    }
                    match dims {
                        Some(dims) => {
                            array = Some(map.next_value_seed(DataSeed {
                                scope: self.0.scope,
                                dims,
                                _elem: PhantomData,
                            })?);
                        }
                        None => pending = Some(map.next_value::<Vec<T>>()?),
                    }
                }
            }
        }
        version.ok_or_else(|| de::Error::missing_field("v"))?;
        let dims = dims.ok_or_else(|| de::Error::missing_field("dim"))?;
        match (array, pending) {
            (Some(a), _) => Ok(a),
            (None, Some(data)) => from_vec(self.0.scope, dims, &data),
            (None, None) => Err(de::Error::missing_field("data")),
        }
    }
}

/// Copies `data` (collected before the shape was known) into a new scope
/// array of shape `dims`.
fn from_vec<'s, T: Copy, const N: usize, E: de::Error>(
    scope: &Scope<'s>,
    dims: [usize; N],
    data: &[T],
) -> Result<PtrArray<'s, T, N>, E> {
    match layout::checked_len(&dims) {
        Some(len) if len == data.len() => {}
        Some(len) => return Err(length_mismatch(dims, len, data.len())),
        // Too many elements to count: the allocation below reports it.
        None => {}
    }
    let mut slots = alloc_uninit::<T, N, E>(scope, dims)?;
    let dst = slots
        .as_slice_mut()
        .expect("a fresh allocation is contiguous");
    for (d, &x) in dst.iter_mut().zip(data) {
        d.write(x);
    }
    // SAFETY: `dst` has `data.len()` elements (checked above) and the loop
    // wrote each of them.
    Ok(unsafe { slots.assume_init() })
}

/// An uninitialised row-major array of shape `dims` in `scope`, or the
/// allocation failure as a deserialization error.
fn alloc_uninit<'s, T: Copy, const N: usize, E: de::Error>(
    scope: &Scope<'s>,
    dims: [usize; N],
) -> Result<PtrArray<'s, core::mem::MaybeUninit<T>, N>, E> {
    scope.try_alloc_uninit::<T, N>(dims).map_err(|e| {
        E::custom(format_args!(
            "cannot allocate an array of shape {dims:?} in the scope: {e}"
        ))
    })
}

/// The error for a `"data"` whose length is not the product of `"dim"`.
fn length_mismatch<E: de::Error, const N: usize>(
    dims: [usize; N],
    expected: usize,
    actual: usize,
) -> E {
    E::custom(ShapeError::LengthMismatch {
        dims: dims.to_vec(),
        expected,
        actual,
    })
}

/// A field name (or, for formats that write fields by position, index).
enum Field {
    Version,
    Dim,
    Data,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldVisitor;

        impl Visitor<'_> for FieldVisitor {
            type Value = Field;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("`v`, `dim` or `data`")
            }

            fn visit_u64<E: de::Error>(self, i: u64) -> Result<Field, E> {
                match i {
                    0 => Ok(Field::Version),
                    1 => Ok(Field::Dim),
                    2 => Ok(Field::Data),
                    _ => Err(E::invalid_value(
                        de::Unexpected::Unsigned(i),
                        &"field index 0, 1 or 2",
                    )),
                }
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<Field, E> {
                match name {
                    "v" => Ok(Field::Version),
                    "dim" => Ok(Field::Dim),
                    "data" => Ok(Field::Data),
                    other => Err(E::unknown_field(other, FIELDS)),
                }
            }

            fn visit_bytes<E: de::Error>(self, name: &[u8]) -> Result<Field, E> {
                match name {
                    b"v" => Ok(Field::Version),
                    b"dim" => Ok(Field::Dim),
                    b"data" => Ok(Field::Data),
                    other => Err(E::unknown_field(&String::from_utf8_lossy(other), FIELDS)),
                }
            }
        }

        deserializer.deserialize_identifier(FieldVisitor)
    }
}

/// A format version, accepted only if it is 1.
struct Version;

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct VersionVisitor;

        impl Visitor<'_> for VersionVisitor {
            type Value = Version;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "the format version {FORMAT_VERSION}")
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Version, E> {
                if v == u64::from(FORMAT_VERSION) {
                    Ok(Version)
                } else {
                    Err(E::custom(ShapeError::BadVersion(v)))
                }
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Version, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
                }
            }
        }

        // ndarray writes a u8; self-describing formats hand over whatever
        // integer is there, so any other number is reported as it is.
        deserializer.deserialize_u8(VersionVisitor)
    }
}

/// Reading a shape: exactly `N` lengths.
impl<'de, const N: usize> Deserialize<'de> for Dim<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DimVisitor<const N: usize>;

        impl<'de, const N: usize> Visitor<'de> for DimVisitor<N> {
            type Value = Dim<N>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a `dim` of {N} axis lengths (the array's rank)")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Dim<N>, A::Error> {
                let mut dims = [0usize; N];
                for (axis, d) in dims.iter_mut().enumerate() {
                    *d = seq
                        .next_element()?
                        .ok_or_else(|| de::Error::invalid_length(axis, &self))?;
                }
                // Count any extra lengths, to name the rank that was given.
                let mut given = N;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    given += 1;
                }
                if given != N {
                    return Err(de::Error::invalid_length(given, &self));
                }
                Ok(Dim(dims))
            }
        }

        deserializer.deserialize_tuple(N, DimVisitor::<N>)
    }
}

/// Reads `"data"` once the shape is known: allocates the array in the
/// scope and writes each element into place. Returns the array only when
/// exactly `dims`' element count was read, so no uninitialised element is
/// ever exposed.
struct DataSeed<'a, 's, T, const N: usize> {
    scope: &'a Scope<'s>,
    dims: [usize; N],
    _elem: PhantomData<fn() -> T>,
}

impl<'de, 's, T, const N: usize> DeserializeSeed<'de> for DataSeed<'_, 's, T, N>
where
    T: Copy + Deserialize<'de> + 's,
{
    type Value = PtrArray<'s, T, N>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, 's, T, const N: usize> Visitor<'de> for DataSeed<'_, 's, T, N>
where
    T: Copy + Deserialize<'de> + 's,
{
    type Value = PtrArray<'s, T, N>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the elements of an array of shape {:?}", self.dims)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // A format that knows the length up front (a length prefix) lets a
        // mismatch fail before anything is allocated.
        if let (Some(hint), Some(len)) = (seq.size_hint(), layout::checked_len(&self.dims)) {
            if hint != len {
                return Err(length_mismatch(self.dims, len, hint));
            }
        }
        let mut slots = alloc_uninit::<T, N, A::Error>(self.scope, self.dims)?;
        let dst = slots
            .as_slice_mut()
            .expect("a fresh allocation is contiguous");
        let expected = dst.len();
        for (read, slot) in dst.iter_mut().enumerate() {
            match seq.next_element::<T>()? {
                Some(x) => {
                    slot.write(x);
                }
                None => return Err(length_mismatch(self.dims, expected, read)),
            }
        }
        // Count any extra elements, to name the length that was given.
        let mut given = expected;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            given += 1;
        }
        if given != expected {
            return Err(length_mismatch(self.dims, expected, given));
        }
        // SAFETY: the loop above wrote every one of the `expected` slots
        // (it returns early otherwise).
        Ok(unsafe { slots.assume_init() })
    }
}
