// claims_json(obj): the JSON text json.dumps(obj, separators=(",", ":")) writes, made without Python
// frames, for the plain values JWT claims are made of: dict with str keys, list, tuple, str, int, float,
// bool, None. Anything else (subclasses, Mappings, huge ints, NaN, deep nesting, other types) gives None
// and the caller uses the json module, so the output is always byte for byte what json.dumps gives
// (ensure_ascii: non-ASCII as lower-case \uXXXX, surrogate pairs above U+FFFF; float repr).
#include <Python.h>

#include <cstdio>
#include <string>

#include "binding.hpp"

namespace m2mauth_py {

namespace {

constexpr int kMaxDepth = 32;
const char kHex[] = "0123456789abcdef";

void append_u(std::string &out, unsigned cp) {
  char b[6] = {'\\', 'u', kHex[(cp >> 12) & 15], kHex[(cp >> 8) & 15], kHex[(cp >> 4) & 15], kHex[cp & 15]};
  out.append(b, 6);
}

void append_str(std::string &out, PyObject *s) {
  out.push_back('"');
  const Py_ssize_t n = PyUnicode_GET_LENGTH(s);
  const int kind = PyUnicode_KIND(s);
  const void *data = PyUnicode_DATA(s);
  for (Py_ssize_t i = 0; i < n; ++i) {
    Py_UCS4 c = PyUnicode_READ(kind, data, i);
    if (c >= 0x20 && c < 0x7f) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      switch (c) {
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default: append_u(out, c);
      }
    } else if (c < 0x10000) {
      append_u(out, c);  // DEL and lone surrogates too, as json.dumps does
    } else {
      c -= 0x10000;
      append_u(out, 0xd800 | (c >> 10));
      append_u(out, 0xdc00 | (c & 0x3ff));
    }
  }
  out.push_back('"');
}

// False when obj holds something this writer leaves to the json module.
bool append_value(std::string &out, PyObject *obj, int depth) {
  if (depth > kMaxDepth) return false;
  if (PyUnicode_CheckExact(obj)) {
    if (PyUnicode_READY(obj) != 0) {  // legacy strings before Python 3.12
      PyErr_Clear();
      return false;
    }
    append_str(out, obj);
  } else if (obj == Py_True) {
    out.append("true");
  } else if (obj == Py_False) {
    out.append("false");
  } else if (obj == Py_None) {
    out.append("null");
  } else if (PyLong_CheckExact(obj)) {
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (overflow != 0) return false;
    char buf[24];
    int len = std::snprintf(buf, sizeof buf, "%lld", v);
    out.append(buf, static_cast<std::size_t>(len));
  } else if (PyFloat_CheckExact(obj)) {
    double d = PyFloat_AS_DOUBLE(obj);
    if (!(d - d == 0.0)) return false;  // NaN or an infinity: json.dumps's NaN/Infinity, left to it
    char *text = PyOS_double_to_string(d, 'r', 0, Py_DTSF_ADD_DOT_0, nullptr);  // float.__repr__
    if (text == nullptr) {
      PyErr_Clear();
      return false;
    }
    out.append(text);
    PyMem_Free(text);
  } else if (PyDict_CheckExact(obj)) {
    out.push_back('{');
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    bool first = true;
    while (PyDict_Next(obj, &pos, &key, &value)) {
      // json.dumps turns int/float/bool/None keys into text: left to it.
      if (!PyUnicode_CheckExact(key) || PyUnicode_READY(key) != 0) {
        PyErr_Clear();
        return false;
      }
      if (!first) out.push_back(',');
      first = false;
      append_str(out, key);
      out.push_back(':');
      if (!append_value(out, value, depth + 1)) return false;
    }
    out.push_back('}');
  } else if (PyList_CheckExact(obj) || PyTuple_CheckExact(obj)) {
    const bool list = PyList_CheckExact(obj);
    const Py_ssize_t n = list ? PyList_GET_SIZE(obj) : PyTuple_GET_SIZE(obj);
    out.push_back('[');
    for (Py_ssize_t i = 0; i < n; ++i) {
      if (i != 0) out.push_back(',');
      // A list may change under a value's conversion only through Python code, which never runs here.
      if (!append_value(out, list ? PyList_GET_ITEM(obj, i) : PyTuple_GET_ITEM(obj, i), depth + 1)) return false;
    }
    out.push_back(']');
  } else {
    return false;
  }
  return true;
}

}  // namespace

void register_claims_json(py::module_ &m) {
  m.def(
      "claims_json",
      [](py::handle obj) -> py::object {
        if (!PyDict_CheckExact(obj.ptr())) return py::none();
        std::string out;
        out.reserve(256);
        if (!append_value(out, obj.ptr(), 0)) return py::none();
        // ASCII only (ensure_ascii), so the str is made without decoding UTF-8.
        PyObject *text = PyUnicode_FromStringAndSize(out.data(), static_cast<Py_ssize_t>(out.size()));
        if (text == nullptr) throw py::error_already_set();
        return py::reinterpret_steal<py::object>(text);
      },
      "json.dumps(obj, separators=(',', ':')) for a dict of plain JSON values, or None to use the json module.");
}

}  // namespace m2mauth_py
