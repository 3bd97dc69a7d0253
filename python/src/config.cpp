// Configuration: m2mauth::Config as _m2mauth.Config. Parsing and validation are the C API's; this
// layer only carries the calls (file and key reading without the GIL).
#include <pybind11/stl.h>

#include "binding.hpp"

namespace m2mauth_py {

void register_config(py::module_ &m) {
  py::class_<PyConfig>(m, "Config", "A native configuration (see m2mauth.config.Config).")
      .def_static("load", [](const std::optional<std::string> &path, bool use_env) {
        std::optional<m2mauth::Config> c;
        {
          ReleaseGil nogil;
          c.emplace(m2mauth::Config::load(path, use_env));
        }
        return PyConfig(std::move(*c));
      }, py::arg("path").none(true), py::arg("use_env"))
      .def_static("from_json", [](const std::string &json, bool use_env) {
        std::optional<m2mauth::Config> c;
        {
          ReleaseGil nogil;
          c.emplace(m2mauth::Config::from_json(json, use_env));
        }
        return PyConfig(std::move(*c));
      }, py::arg("json"), py::arg("use_env"))
      .def("describe", [](const PyConfig &self) { return self.need("configuration")->describe(); })
      .def("get", [](const PyConfig &self, const std::string &name) { return self.need("configuration")->get_value(name); })
      .def("has", [](const PyConfig &self, const std::string &name) { return self.need("configuration")->has(name); })
      .def("http", [](const PyConfig &self) { return PyHttp(self.need("configuration")->http()); })
      .def("close", &PyConfig::close)
      .def_property_readonly("closed", &PyConfig::closed);
}

}  // namespace m2mauth_py
