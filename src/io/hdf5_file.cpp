#include "io/hdf5_file.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "util/error.hpp"

namespace vaesweep::io {

static_assert(std::is_same_v<hid_t, std::int64_t>, "Hdf5File stores a hid_t as std::int64_t");

namespace {

// ---------------------------------------------------------------------------------------------
// Errors: HDF5 keeps a per-thread error stack; its automatic printing is turned off and the
// stack is turned into the text of the exception instead.

// Thread-safe HDF5 builds (Debian's is one) keep the print setting per thread.
void silence_hdf5_printing() {
  thread_local bool silenced = false;
  if (!silenced) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    silenced = true;
  }
}

struct StackEntries {
  std::vector<std::string> descriptions;  // innermost first
};

herr_t collect_entry(unsigned /*n*/, const H5E_error2_t* entry, void* data) {
  auto* out = static_cast<StackEntries*>(data);
  try {
    std::string text = entry->desc != nullptr ? entry->desc : "";
    char minor[128] = {};
    if (H5Eget_msg(entry->min_num, nullptr, minor, sizeof minor) > 0 && text.find(minor) == std::string::npos) {
      text += text.empty() ? minor : std::string(" (") + minor + ")";
    }
    if (!text.empty()) out->descriptions.push_back(std::move(text));
  } catch (...) {
    return -1;  // an exception must not cross the C library
  }
  return 0;
}

// HDF5 buries the system's reason for a failed write in a long text ("file write failed:
// time = ..., errno = 28, error message = 'No space left on device', buf = ..."): that
// message alone, and a full disk named as such. "" when the description holds none.
std::string system_reason(const std::string& description) {
  const std::string marker = "error message = '";
  const auto at = description.find(marker);
  if (at == std::string::npos) return "";
  const auto begin = at + marker.size();
  const auto end = description.find('\'', begin);
  const std::string message = description.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  return description.find("errno = 28,") != std::string::npos ? message + " (the disk or the quota is full)" : message;
}

// HDF5's reason for the failure that just happened: the API-level description and the
// innermost one, where the problem was first detected. Must run before any other HDF5 call.
std::string hdf5_reason() {
  const hid_t stack = H5Eget_current_stack();  // copies and clears the thread's stack
  if (stack < 0) return "no reason given by HDF5";
  StackEntries entries;
  H5Ewalk2(stack, H5E_WALK_UPWARD, collect_entry, &entries);
  H5Eclose_stack(stack);
  if (entries.descriptions.empty()) return "no reason given by HDF5";
  const std::string& outermost = entries.descriptions.back();
  for (const auto& description : entries.descriptions)
    if (const std::string system = system_reason(description); !system.empty()) return outermost + ": " + system;
  const std::string& innermost = entries.descriptions.front();
  return entries.descriptions.size() == 1 ? innermost : outermost + ": " + innermost;
}

// Where an operation happened, for the text of its errors.
struct Where {
  const std::filesystem::path& file;
  std::string_view object;
};

[[noreturn]] void fail(const Where& where, const std::string& what) {
  throw UserError("HDF5 file '" + where.file.string() + "', object '" + std::string(where.object) +
                  "': " + what);
}

[[noreturn]] void fail_with_reason(const Where& where, const std::string& what) {
  fail(where, what + " failed: " + hdf5_reason());
}

// Every C call goes through one of these: ids and herr_t are negative on failure; htri_t is
// negative on failure and otherwise a truth value.
hid_t check_id(hid_t id, const Where& where, const char* what) {
  if (id < 0) fail_with_reason(where, what);
  return id;
}

void check(herr_t status, const Where& where, const char* what) {
  if (status < 0) fail_with_reason(where, what);
}

bool check_tri(htri_t status, const Where& where, const char* what) {
  if (status < 0) fail_with_reason(where, what);
  return status > 0;
}

template <typename T>
T check_count(T value, const Where& where, const char* what) {
  if (value < 0) fail_with_reason(where, what);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Handles: one owner per hid_t; the destructor closes and ignores the result, since it must
// not throw and there is nothing left to do about a failed close of a read handle.

using Closer = herr_t (*)(hid_t);

class Handle {
 public:
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), closer_(other.closer_) {}
  Handle& operator=(Handle&&) = delete;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0) closer_(id_);
  }
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  Closer closer_;
};

Handle own_type(hid_t id, const Where& w, const char* what) { return {check_id(id, w, what), H5Tclose}; }
Handle own_space(hid_t id, const Where& w, const char* what) { return {check_id(id, w, what), H5Sclose}; }
Handle own_plist(hid_t id, const Where& w, const char* what) { return {check_id(id, w, what), H5Pclose}; }
Handle own_dataset(hid_t id, const Where& w, const char* what) { return {check_id(id, w, what), H5Dclose}; }
Handle own_attribute(hid_t id, const Where& w, const char* what) { return {check_id(id, w, what), H5Aclose}; }
Handle own_object(hid_t id, const Where& w, const char* what) { return {check_id(id, w, what), H5Oclose}; }

// Memory HDF5 allocated for us (names, variable-length strings) is released with H5free_memory.
struct HdfMemory {
  void* ptr = nullptr;
  ~HdfMemory() {
    if (ptr != nullptr) H5free_memory(ptr);
  }
};

std::string take_name(char* name, const Where& where, const char* what) {
  if (name == nullptr) fail_with_reason(where, what);
  HdfMemory owner{name};
  return std::string(name);
}

// ---------------------------------------------------------------------------------------------
// Types and property lists.

Handle utf8_string_type(const Where& w) {
  Handle t = own_type(H5Tcopy(H5T_C_S1), w, "copying the string type");
  check(H5Tset_size(t.get(), H5T_VARIABLE), w, "making a variable-length string type");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), w, "setting the UTF-8 character set");
  return t;
}

// What write_table stores a short string column as: exactly `size` bytes, NUL-padded, UTF-8.
// Fixed-size members lie inside the row, so deflate sees (and compresses) the text itself;
// variable-length strings would be separate heap objects that compress poorly.
Handle fixed_utf8_string_type(std::size_t size, const Where& w) {
  Handle t = own_type(H5Tcopy(H5T_C_S1), w, "copying the string type");
  check(H5Tset_size(t.get(), size), w, "setting a fixed string size");
  check(H5Tset_strpad(t.get(), H5T_STR_NULLPAD), w, "setting NUL padding");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), w, "setting the UTF-8 character set");
  return t;
}

// Dataset creation creates the missing groups on the way ("/a/b/c").
Handle intermediate_groups_lcpl(const Where& w) {
  Handle p = own_plist(H5Pcreate(H5P_LINK_CREATE), w, "creating a link property list");
  check(H5Pset_create_intermediate_group(p.get(), 1), w, "asking for intermediate groups");
  return p;
}

bool is_root(std::string_view path) { return path.empty() || path == "/"; }

// One column of a compound row in memory.
enum class Kind { int64, float64, vlen_string, fixed_string };

struct Member {
  std::string name;
  Kind kind;
  std::size_t fixed_size = 0;  // bytes, for fixed_string
  std::size_t offset = 0;
};

// A compound row layout in memory and its HDF5 type. The same type is used on disk for the
// tables we write (numbers and pointers 8-aligned, fixed-length strings byte-aligned; the
// padding this leaves is zero and costs nothing once deflated).
struct RowLayout {
  std::vector<Member> members;
  std::size_t row_size = 0;
};

std::size_t kind_size(const Member& m) {
  switch (m.kind) {
    case Kind::int64: return sizeof(std::int64_t);
    case Kind::float64: return sizeof(double);
    case Kind::vlen_string: return sizeof(char*);
    case Kind::fixed_string: return m.fixed_size;
  }
  return 0;
}

std::size_t kind_alignment(const Member& m) {
  switch (m.kind) {
    case Kind::int64: return alignof(std::int64_t);
    case Kind::float64: return alignof(double);
    case Kind::vlen_string: return alignof(char*);
    case Kind::fixed_string: return 1;
  }
  return 1;
}

RowLayout lay_out(std::vector<Member> members) {
  RowLayout layout;
  std::size_t offset = 0;
  std::size_t max_align = 1;
  for (Member& m : members) {
    const std::size_t align = kind_alignment(m);
    offset = (offset + align - 1) / align * align;
    m.offset = offset;
    offset += kind_size(m);
    max_align = std::max(max_align, align);
  }
  layout.row_size = std::max<std::size_t>(1, (offset + max_align - 1) / max_align * max_align);
  layout.members = std::move(members);
  return layout;
}

// Fixed-length string members take `file_types[i]`, the file's own type (read as is), or
// without `file_types` a NUL-padded UTF-8 string of the member's size (written by us).
Handle compound_type(const RowLayout& layout, const std::vector<Handle>* file_types, const Where& w) {
  Handle t = own_type(H5Tcreate(H5T_COMPOUND, layout.row_size), w, "creating a compound type");
  const Handle vlen = utf8_string_type(w);
  for (std::size_t i = 0; i < layout.members.size(); ++i) {
    const Member& m = layout.members[i];
    if (m.kind == Kind::fixed_string && file_types == nullptr) {
      const Handle fixed = fixed_utf8_string_type(m.fixed_size, w);  // H5Tinsert copies it
      check(H5Tinsert(t.get(), m.name.c_str(), m.offset, fixed.get()), w, "adding a compound member");
      continue;
    }
    hid_t member_type = -1;
    switch (m.kind) {
      case Kind::int64: member_type = H5T_NATIVE_INT64; break;
      case Kind::float64: member_type = H5T_NATIVE_DOUBLE; break;
      case Kind::vlen_string: member_type = vlen.get(); break;
      case Kind::fixed_string: member_type = file_types->at(i).get(); break;
    }
    check(H5Tinsert(t.get(), m.name.c_str(), m.offset, member_type), w, "adding a compound member");
  }
  return t;
}

// String columns whose longest value has at most this many bytes are stored fixed-length;
// longer ones (an error message with a traceback) stay variable-length, so that one long
// value does not widen every row.
constexpr std::size_t kMaxFixedStringBytes = 255;

// The layout of a table of `rows` rows with the columns of `columns` whose string columns'
// longest values `longest` gives (by column name).
RowLayout layout_for(const ColumnTable& columns, const std::map<std::string, std::size_t>& longest, std::size_t rows) {
  std::vector<Member> members;
  for (const Column& c : columns.columns()) {
    if (c.values.index() == 0) {
      members.push_back(Member{c.name, Kind::int64});
    } else if (c.values.index() == 1) {
      members.push_back(Member{c.name, Kind::float64});
    } else {
      const auto it = longest.find(c.name);
      const std::size_t width = it == longest.end() ? 0 : it->second;
      // A column without values (a table started empty, to grow by append_rows) has no width
      // to size from, so it stays variable-length and takes strings of any length.
      if (rows > 0 && width <= kMaxFixedStringBytes) {
        members.push_back(Member{c.name, Kind::fixed_string, std::max<std::size_t>(width, 1)});
      } else {
        members.push_back(Member{c.name, Kind::vlen_string});
      }
    }
  }
  return lay_out(std::move(members));
}

RowLayout layout_of(const ColumnTable& table) {
  StringWidths widths;
  widths.add(table);
  return layout_for(table, widths.all(), table.rows());
}

// Packs rows [first, first + count) into the compound layout, whose members must match the
// columns' types. Variable-length members point into `table`, which must outlive the buffer
// (HDF5 only reads through the pointers); a value longer than a fixed-length member is an
// error naming the column.
std::vector<unsigned char> pack_rows(const ColumnTable& table, const RowLayout& layout, std::size_t first,
                                     std::size_t count, const Where& w) {
  std::vector<unsigned char> buffer(count * layout.row_size, 0);  // zeros: NUL padding
  for (std::size_t c = 0; c < table.cols(); ++c) {
    const Member& m = layout.members[c];
    unsigned char* dst = buffer.data() + m.offset;
    const ColumnValues& values = table.columns()[c].values;
    if (const auto* ints = std::get_if<std::vector<std::int64_t>>(&values)) {
      for (std::size_t r = 0; r < count; ++r, dst += layout.row_size) {
        std::memcpy(dst, &(*ints)[first + r], sizeof(std::int64_t));
      }
    } else if (const auto* doubles = std::get_if<std::vector<double>>(&values)) {
      for (std::size_t r = 0; r < count; ++r, dst += layout.row_size) {
        std::memcpy(dst, &(*doubles)[first + r], sizeof(double));
      }
    } else if (m.kind == Kind::vlen_string) {
      const auto& strings = std::get<std::vector<std::string>>(values);
      for (std::size_t r = 0; r < count; ++r, dst += layout.row_size) {
        const char* text = strings[first + r].c_str();
        std::memcpy(dst, &text, sizeof(char*));
      }
    } else {
      const auto& strings = std::get<std::vector<std::string>>(values);
      for (std::size_t r = 0; r < count; ++r, dst += layout.row_size) {
        const std::string& text = strings[first + r];
        if (text.size() > m.fixed_size) {
          const auto bytes = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); };
          fail(w, "column '" + m.name + "': a value of " + bytes(text.size()) +
                      " is longer than the column's fixed width of " + bytes(m.fixed_size));
        }
        std::memcpy(dst, text.data(), text.size());
      }
    }
  }
  return buffer;
}

// The members of a compound file type, mapped to what we read them as.
struct FileSchema {
  RowLayout layout;
  std::vector<Handle> member_types;  // the file's member types, kept for fixed-length strings
};

FileSchema file_schema(hid_t file_type, const Where& w) {
  if (check_count(H5Tget_class(file_type), w, "getting the dataset's type class") != H5T_COMPOUND) {
    fail(w, "is not a table (expected a 1-D compound dataset)");
  }
  const int count = check_count(H5Tget_nmembers(file_type), w, "counting compound members");
  FileSchema schema;
  std::vector<Member> members;
  for (int i = 0; i < count; ++i) {
    const auto index = static_cast<unsigned>(i);
    std::string name = take_name(H5Tget_member_name(file_type, index), w, "getting a member name");
    Handle type = own_type(H5Tget_member_type(file_type, index), w, "getting a member type");
    Member m{std::move(name), Kind::int64};
    switch (check_count(H5Tget_class(type.get()), w, "getting a member's type class")) {
      case H5T_INTEGER: m.kind = Kind::int64; break;
      case H5T_FLOAT: m.kind = Kind::float64; break;
      case H5T_STRING:
        if (check_tri(H5Tis_variable_str(type.get()), w, "checking a string member")) {
          m.kind = Kind::vlen_string;
        } else {
          m.kind = Kind::fixed_string;
          m.fixed_size = H5Tget_size(type.get());
          if (m.fixed_size == 0) fail_with_reason(w, "getting the size of string member '" + m.name + "'");
        }
        break;
      default:
        fail(w, "member '" + m.name + "' has a type other than integer, float or string; it cannot be read as a column");
    }
    members.push_back(std::move(m));
    schema.member_types.push_back(std::move(type));
  }
  schema.layout = lay_out(std::move(members));
  return schema;
}

// Text of a fixed-length string as HDF5 stores it: NUL-terminated, NUL-padded or space-padded.
std::string fixed_string(const char* data, std::size_t size, bool space_padded) {
  std::string s(data, strnlen(data, size));
  if (space_padded) s.erase(s.find_last_not_of(' ') + 1);
  return s;
}

ColumnTable unpack_rows(const unsigned char* buffer, std::size_t rows, const FileSchema& schema) {
  ColumnTable table;
  for (std::size_t c = 0; c < schema.layout.members.size(); ++c) {
    const Member& m = schema.layout.members[c];
    auto at = [&](std::size_t r) { return buffer + r * schema.layout.row_size + m.offset; };
    if (m.kind == Kind::int64) {
      std::vector<std::int64_t> v(rows);
      for (std::size_t r = 0; r < rows; ++r) std::memcpy(&v[r], at(r), sizeof(std::int64_t));
      table.add_column(m.name, std::move(v));
    } else if (m.kind == Kind::float64) {
      std::vector<double> v(rows);
      for (std::size_t r = 0; r < rows; ++r) std::memcpy(&v[r], at(r), sizeof(double));
      table.add_column(m.name, std::move(v));
    } else if (m.kind == Kind::vlen_string) {
      std::vector<std::string> v(rows);
      for (std::size_t r = 0; r < rows; ++r) {
        const char* text = nullptr;
        std::memcpy(&text, at(r), sizeof(char*));
        if (text != nullptr) v[r] = text;  // a null pointer is how HDF5 stores an unset string
      }
      table.add_column(m.name, std::move(v));
    } else {
      const bool space_padded = H5Tget_strpad(schema.member_types[c].get()) == H5T_STR_SPACEPAD;
      std::vector<std::string> v(rows);
      for (std::size_t r = 0; r < rows; ++r) {
        v[r] = fixed_string(reinterpret_cast<const char*>(at(r)), m.fixed_size, space_padded);
      }
      table.add_column(m.name, std::move(v));
    }
  }
  return table;
}

// Frees the variable-length strings HDF5 allocated while reading into `buffer`.
class VlenReclaimer {
 public:
  VlenReclaimer(hid_t type, hid_t space, void* buffer) : type_(type), space_(space), buffer_(buffer) {}
  VlenReclaimer(const VlenReclaimer&) = delete;
  VlenReclaimer& operator=(const VlenReclaimer&) = delete;
  ~VlenReclaimer() { H5Dvlen_reclaim(type_, space_, H5P_DEFAULT, buffer_); }

 private:
  hid_t type_;
  hid_t space_;
  void* buffer_;
};

// Rows per chunk: about 256 KiB of row data. Measured on a 1,000,000-row /units table
// (368-byte rows): 64 KiB chunks write 20% slower and 5% larger, 1 MiB chunks no better. The
// unused tail of a small table's only chunk is zeros and deflates to almost nothing.
hsize_t chunk_rows(std::size_t row_size) {
  return std::clamp<hsize_t>(hsize_t{256 * 1024} / std::max<std::size_t>(row_size, 1), 16, 65536);
}

// write_table packs and writes about this many bytes of rows at a time (whole chunks), so that
// a large table needs only this much memory beside the ColumnTable.
constexpr std::size_t kWriteBlockBytes = 16 * 1024 * 1024;

std::int64_t dataset_rows(hid_t dataset, const Where& w) {
  const Handle space = own_space(H5Dget_space(dataset), w, "getting the dataspace");
  if (check_count(H5Sget_simple_extent_ndims(space.get()), w, "getting the rank") != 1) {
    fail(w, "is not a table (expected a 1-D compound dataset)");
  }
  hsize_t dims[1] = {0};
  check_count(H5Sget_simple_extent_dims(space.get(), dims, nullptr), w, "getting the dimensions");
  return static_cast<std::int64_t>(dims[0]);
}

// Writing a dataset replaces an old dataset at the same path, but never a group: that would
// silently drop everything below it.
void unlink_old_dataset(hid_t file, const std::string& path, const Where& w, bool present) {
  if (!present) return;
  {
    const Handle object = own_object(H5Oopen(file, path.c_str(), H5P_DEFAULT), w, "opening the old object");
    if (H5Iget_type(object.get()) != H5I_DATASET) fail(w, "cannot write a dataset: a group of that name exists");
  }
  check(H5Ldelete(file, path.c_str(), H5P_DEFAULT), w, "removing the old dataset");
}

}  // namespace

void skip_hdf5_cleanup_at_exit() { H5dont_atexit(); }

// ---------------------------------------------------------------------------------------------
// Opening and closing.

namespace {

Handle file_access_plist(const Where& w) {
  Handle p = own_plist(H5Pcreate(H5P_FILE_ACCESS), w, "creating a file access property list");
  // Strong close: H5Fclose really closes the file, so renaming it afterwards is safe.
  check(H5Pset_fclose_degree(p.get(), H5F_CLOSE_STRONG), w, "setting the close degree");
  return p;
}

hid_t open_existing(const std::filesystem::path& path, unsigned flags) {
  silence_hdf5_printing();
  const Where w{path, "/"};
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail(w, "cannot open: no such file");
  if (!std::filesystem::is_regular_file(path, ec)) fail(w, "cannot open: not a regular file");
  const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
  if (is_hdf5 < 0) fail_with_reason(w, "checking for an HDF5 signature");
  if (is_hdf5 == 0) fail(w, "cannot open: not an HDF5 file (no HDF5 signature; another format, or a truncated file)");
  const Handle fapl = file_access_plist(w);
  return check_id(H5Fopen(path.c_str(), flags, fapl.get()), w, "opening (the file may be truncated or damaged)");
}

}  // namespace

Hdf5File Hdf5File::create(const std::filesystem::path& path) {
  silence_hdf5_printing();
  const Where w{path, "/"};
  const Handle fapl = file_access_plist(w);
  return Hdf5File(check_id(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), w, "creating the file"),
                  path);
}

Hdf5File Hdf5File::open_read(const std::filesystem::path& path) {
  return Hdf5File(open_existing(path, H5F_ACC_RDONLY), path);
}

Hdf5File Hdf5File::open_read_write(const std::filesystem::path& path) {
  return Hdf5File(open_existing(path, H5F_ACC_RDWR), path);
}

Hdf5File::Hdf5File(Hdf5File&& other) noexcept
    : id_(std::exchange(other.id_, -1)), path_(std::move(other.path_)) {}

Hdf5File& Hdf5File::operator=(Hdf5File&& other) noexcept {
  if (this != &other) {
    if (id_ >= 0) H5Fclose(id_);
    id_ = std::exchange(other.id_, -1);
    path_ = std::move(other.path_);
  }
  return *this;
}

Hdf5File::~Hdf5File() {
  if (id_ >= 0) H5Fclose(id_);
}

std::int64_t Hdf5File::open_id() const {
  VAESWEEP_ASSERT(id_ >= 0, "use of a closed or moved-from Hdf5File");
  silence_hdf5_printing();
  return id_;
}

void Hdf5File::flush() {
  check(H5Fflush(open_id(), H5F_SCOPE_GLOBAL), Where{path_, "/"}, "flushing");
}

void Hdf5File::close() {
  if (id_ < 0) return;
  silence_hdf5_printing();
  const herr_t status = H5Fclose(std::exchange(id_, -1));
  check(status, Where{path_, "/"}, "closing");
}

bool Hdf5File::exists(const std::string& object_path) const {
  const hid_t file = open_id();
  const Where w{path_, object_path};
  if (is_root(object_path)) return true;
  // H5Lexists fails rather than answering when a parent is missing, so walk down the path.
  std::string prefix;  // paths are taken as absolute, "a/b" as "/a/b"
  std::size_t start = 0;
  while (start <= object_path.size()) {
    std::size_t end = object_path.find('/', start);
    if (end == std::string::npos) end = object_path.size();
    if (end > start) {
      prefix += "/" + object_path.substr(start, end - start);
      if (!check_tri(H5Lexists(file, prefix.c_str(), H5P_DEFAULT), w, "checking for a link")) return false;
      // A dangling soft or external link exists as a link but not as an object.
      if (!check_tri(H5Oexists_by_name(file, prefix.c_str(), H5P_DEFAULT), w, "checking for an object")) return false;
      if (end < object_path.size()) {
        const Handle object = own_object(H5Oopen(file, prefix.c_str(), H5P_DEFAULT), w, "opening a parent");
        if (H5Iget_type(object.get()) != H5I_GROUP) return false;
      }
    }
    start = end + 1;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Tables.

void StringWidths::add(const ColumnTable& block) {
  for (const Column& c : block.columns()) {
    const auto* strings = std::get_if<std::vector<std::string>>(&c.values);
    if (strings == nullptr) continue;
    std::size_t& longest = longest_[c.name];
    for (const std::string& s : *strings) longest = std::max(longest, s.size());
  }
}

std::size_t StringWidths::longest(const std::string& column) const {
  const auto it = longest_.find(column);
  return it == longest_.end() ? 0 : it->second;
}

namespace {

// Creates the chunked, shuffled and deflated table dataset of `rows` rows with `layout`.
Handle create_table_dataset(hid_t file, const std::string& dataset, const RowLayout& layout, hsize_t rows,
                            const Where& w) {
  const Handle type = compound_type(layout, nullptr, w);
  const hsize_t max_rows = H5S_UNLIMITED;
  const Handle space = own_space(H5Screate_simple(1, &rows, &max_rows), w, "creating the dataspace");
  const Handle dcpl = own_plist(H5Pcreate(H5P_DATASET_CREATE), w, "creating a dataset property list");
  const hsize_t chunk = chunk_rows(layout.row_size);
  check(H5Pset_chunk(dcpl.get(), 1, &chunk), w, "setting the chunk size");
  // Shuffle groups byte k of every row together, so that each column's bytes lie side by side
  // (a repeated string becomes a run); deflate level 1, since compressing is most of the time
  // of writing a large table and level 4 halves the speed for 4% less size.
  if (check_tri(H5Zfilter_avail(H5Z_FILTER_DEFLATE), w, "checking for deflate")) {
    check(H5Pset_shuffle(dcpl.get()), w, "enabling shuffle");
    check(H5Pset_deflate(dcpl.get(), 1), w, "enabling deflate");
  }
  const Handle lcpl = intermediate_groups_lcpl(w);
  return own_dataset(H5Dcreate2(file, dataset.c_str(), type.get(), space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT),
                     w, "creating the table");
}

// Whether `table` has the layout's columns: the same names, order and types (int64, double,
// string), so that its rows pack into the file's own layout (fixed-length string members take
// values up to their width).
bool same_columns(const RowLayout& layout, const ColumnTable& table) {
  if (layout.members.size() != table.cols()) return false;
  for (std::size_t i = 0; i < table.cols(); ++i) {
    const Member& m = layout.members[i];
    const std::size_t type_index = m.kind == Kind::int64 ? 0 : m.kind == Kind::float64 ? 1 : 2;
    if (m.name != table.columns()[i].name || table.columns()[i].values.index() != type_index) return false;
  }
  return true;
}

// Writes `table`'s rows as rows [first, first + table.rows()) of `ds`, whose layout is `layout`,
// packed a block of whole chunks at a time (see kWriteBlockBytes).
void write_rows_at(hid_t ds, const RowLayout& layout, hsize_t first_row, const ColumnTable& table, const Where& w) {
  const Handle type = compound_type(layout, nullptr, w);
  const Handle space = own_space(H5Dget_space(ds), w, "getting the dataspace");
  const hsize_t chunk = chunk_rows(layout.row_size);
  const hsize_t rows = table.rows();
  const hsize_t block = chunk * std::max<hsize_t>(1, kWriteBlockBytes / (chunk * layout.row_size));
  for (hsize_t done = 0; done < rows; done += block) {
    const hsize_t count = std::min(block, rows - done);
    const std::vector<unsigned char> buffer = pack_rows(table, layout, done, count, w);
    const hsize_t at = first_row + done;
    const Handle memory_space = own_space(H5Screate_simple(1, &count, nullptr), w, "creating the memory dataspace");
    check(H5Sselect_hyperslab(space.get(), H5S_SELECT_SET, &at, nullptr, &count, nullptr), w, "selecting rows");
    check(H5Dwrite(ds, type.get(), memory_space.get(), space.get(), H5P_DEFAULT, buffer.data()), w,
          "writing the rows");
  }
}

}  // namespace

void Hdf5File::write_table(const std::string& dataset, const ColumnTable& table) {
  const hid_t file = open_id();
  const Where w{path_, dataset};
  if (is_root(dataset)) fail(w, "a table needs a dataset path, not the root group");
  if (table.cols() == 0) fail(w, "cannot write a table without columns");
  unlink_old_dataset(file, dataset, w, exists(dataset));
  const RowLayout layout = layout_of(table);
  const Handle ds = create_table_dataset(file, dataset, layout, table.rows(), w);
  write_rows_at(ds.get(), layout, 0, table, w);
}

void Hdf5File::create_table(const std::string& dataset, const ColumnTable& columns, const StringWidths& widths,
                            std::size_t rows) {
  const hid_t file = open_id();
  const Where w{path_, dataset};
  if (is_root(dataset)) fail(w, "a table needs a dataset path, not the root group");
  if (columns.cols() == 0) fail(w, "cannot write a table without columns");
  unlink_old_dataset(file, dataset, w, exists(dataset));
  (void)create_table_dataset(file, dataset, layout_for(columns, widths.all(), rows), rows, w);
}

void Hdf5File::write_rows(const std::string& dataset, std::size_t first, const ColumnTable& block) {
  const hid_t file = open_id();
  const Where w{path_, dataset};
  if (!exists(dataset)) fail(w, "cannot write rows: no such table");
  const Handle ds = own_dataset(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), w, "opening the table");
  const Handle file_type = own_type(H5Dget_type(ds.get()), w, "getting the table's type");
  const FileSchema schema = file_schema(file_type.get(), w);
  if (!same_columns(schema.layout, block))
    fail(w, "cannot write rows with schema [" + block.schema_string() + "]: the table has other columns");
  const auto rows = static_cast<std::size_t>(dataset_rows(ds.get(), w));
  if (first > rows || block.rows() > rows - first)
    fail(w, "cannot write rows " + std::to_string(first) + " to " + std::to_string(first + block.rows()) +
                " of a table of " + std::to_string(rows) + " rows");
  write_rows_at(ds.get(), schema.layout, first, block, w);
}

void Hdf5File::append_rows(const std::string& dataset, const ColumnTable& rows) {
  const hid_t file = open_id();
  const Where w{path_, dataset};
  if (!exists(dataset)) fail(w, "cannot append rows: no such table");
  const Handle ds = own_dataset(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), w, "opening the table");
  const Handle file_type = own_type(H5Dget_type(ds.get()), w, "getting the table's type");
  const FileSchema schema = file_schema(file_type.get(), w);

  if (!same_columns(schema.layout, rows)) {
    std::string file_columns;
    for (const Member& m : schema.layout.members) file_columns += (file_columns.empty() ? "" : ", ") + m.name;
    fail(w, "cannot append rows with schema [" + rows.schema_string() + "] to a table with columns [" +
                file_columns + "]");
  }
  const hsize_t added = rows.rows();
  if (added == 0) return;
  // Packed first: an over-long value must fail before the table grows.
  const std::vector<unsigned char> buffer = pack_rows(rows, schema.layout, 0, added, w);

  const hsize_t old_rows = static_cast<hsize_t>(dataset_rows(ds.get(), w));
  const hsize_t new_rows = old_rows + added;
  check(H5Dset_extent(ds.get(), &new_rows), w, "extending the table");
  const Handle file_space = own_space(H5Dget_space(ds.get()), w, "getting the dataspace");
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, &old_rows, nullptr, &added, nullptr), w,
        "selecting the new rows");
  const Handle memory_space = own_space(H5Screate_simple(1, &added, nullptr), w, "creating the memory dataspace");
  const Handle memory_type = compound_type(schema.layout, nullptr, w);
  check(H5Dwrite(ds.get(), memory_type.get(), memory_space.get(), file_space.get(), H5P_DEFAULT, buffer.data()), w,
        "writing the new rows");
}

ColumnTable Hdf5File::read_table(const std::string& dataset) const {
  const hid_t file = open_id();
  const Where w{path_, dataset};
  if (!exists(dataset)) fail(w, "no such table");
  const Handle ds = own_dataset(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), w, "opening the table");
  const Handle file_type = own_type(H5Dget_type(ds.get()), w, "getting the table's type");
  const FileSchema schema = file_schema(file_type.get(), w);
  const auto rows = static_cast<std::size_t>(dataset_rows(ds.get(), w));

  const Handle memory_type = compound_type(schema.layout, &schema.member_types, w);
  if (rows == 0) return unpack_rows(nullptr, 0, schema);
  // Zeroed, so that the reclaimer frees only what a (possibly failed) read allocated.
  std::vector<unsigned char> buffer(rows * schema.layout.row_size, 0);
  const Handle space = own_space(H5Dget_space(ds.get()), w, "getting the dataspace");
  const VlenReclaimer reclaim(memory_type.get(), space.get(), buffer.data());
  check(H5Dread(ds.get(), memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), w, "reading the rows");
  return unpack_rows(buffer.data(), rows, schema);
}

ColumnTable Hdf5File::read_columns(const std::string& dataset,
                                   const std::function<bool(const std::string&)>& wanted) const {
  const hid_t file = open_id();
  const Where w{path_, dataset};
  if (!exists(dataset)) fail(w, "no such table");
  const Handle ds = own_dataset(H5Dopen2(file, dataset.c_str(), H5P_DEFAULT), w, "opening the table");
  const Handle file_type = own_type(H5Dget_type(ds.get()), w, "getting the table's type");
  FileSchema all = file_schema(file_type.get(), w);
  // The memory type names only the wanted members: HDF5 converts by name and leaves the rest.
  FileSchema schema;
  std::vector<Member> members;
  for (std::size_t i = 0; i < all.layout.members.size(); ++i) {
    if (!wanted(all.layout.members[i].name)) continue;
    members.push_back(all.layout.members[i]);
    schema.member_types.push_back(std::move(all.member_types[i]));
  }
  schema.layout = lay_out(std::move(members));
  const auto rows = static_cast<std::size_t>(dataset_rows(ds.get(), w));
  if (schema.layout.members.empty() || rows == 0) return unpack_rows(nullptr, 0, schema);
  const Handle memory_type = compound_type(schema.layout, &schema.member_types, w);
  std::vector<unsigned char> buffer(rows * schema.layout.row_size, 0);
  const Handle space = own_space(H5Dget_space(ds.get()), w, "getting the dataspace");
  const VlenReclaimer reclaim(memory_type.get(), space.get(), buffer.data());
  check(H5Dread(ds.get(), memory_type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), w, "reading the rows");
  return unpack_rows(buffer.data(), rows, schema);
}

std::vector<std::string> Hdf5File::column_names(const std::string& dataset) const {
  std::vector<std::string> names;
  read_columns(dataset, [&](const std::string& name) {
    names.push_back(name);
    return false;  // none wanted: the schema is read, no row
  });
  return names;
}

// ---------------------------------------------------------------------------------------------
// Matrices.

void Hdf5File::write_matrix(const std::string& dataset, const Eigen::MatrixXd& m) {
  const hid_t file = open_id();
  const Where w{path_, dataset};
  if (is_root(dataset)) fail(w, "a matrix needs a dataset path, not the root group");
  unlink_old_dataset(file, dataset, w, exists(dataset));
  const hsize_t dims[2] = {static_cast<hsize_t>(m.rows()), static_cast<hsize_t>(m.cols())};
  const Handle space = own_space(H5Screate_simple(2, dims, nullptr), w, "creating the dataspace");
  const Handle lcpl = intermediate_groups_lcpl(w);
  const Handle ds = own_dataset(
      H5Dcreate2(file, dataset.c_str(), H5T_IEEE_F64LE, space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT), w,
      "creating the matrix");
  if (m.size() == 0) return;
  // Eigen is column-major; numpy and the rows = samples convention want row-major on disk.
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = m;
  check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, row_major.data()), w,
        "writing the matrix");
}

namespace {

// The open numeric 2-D dataset `dataset` and its dimensions.
Handle open_matrix(hid_t file, const Where& w, hsize_t (&dims)[2]) {
  Handle ds = own_dataset(H5Dopen2(file, std::string(w.object).c_str(), H5P_DEFAULT), w, "opening the matrix");
  const Handle type = own_type(H5Dget_type(ds.get()), w, "getting the matrix's type");
  const H5T_class_t type_class = check_count(H5Tget_class(type.get()), w, "getting the type class");
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER) fail(w, "is not a numeric matrix");
  const Handle space = own_space(H5Dget_space(ds.get()), w, "getting the dataspace");
  if (check_count(H5Sget_simple_extent_ndims(space.get()), w, "getting the rank") != 2) {
    fail(w, "is not a matrix (expected a 2-D dataset)");
  }
  check_count(H5Sget_simple_extent_dims(space.get(), dims, nullptr), w, "getting the dimensions");
  return ds;
}

}  // namespace

std::pair<std::int64_t, std::int64_t> Hdf5File::matrix_shape(const std::string& dataset) const {
  const Where w{path_, dataset};
  if (!exists(dataset)) fail(w, "no such matrix");
  hsize_t dims[2] = {0, 0};
  open_matrix(open_id(), w, dims);
  return {static_cast<std::int64_t>(dims[0]), static_cast<std::int64_t>(dims[1])};
}

Eigen::MatrixXd Hdf5File::read_matrix(const std::string& dataset) const {
  const Where w{path_, dataset};
  if (!exists(dataset)) fail(w, "no such matrix");
  hsize_t dims[2] = {0, 0};
  const Handle ds = open_matrix(open_id(), w, dims);
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major(
      static_cast<Eigen::Index>(dims[0]), static_cast<Eigen::Index>(dims[1]));
  if (row_major.size() > 0) {
    check(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, row_major.data()), w,
          "reading the matrix");
  }
  return row_major;
}

// ---------------------------------------------------------------------------------------------
// Attributes.

namespace {

std::string attribute_where(const std::string& object_path, const std::string& name) {
  return (is_root(object_path) ? std::string("/") : object_path) + " @" + name;
}

// Replaces attribute `name` of `object_path` with a scalar of `file_type`, written from
// `memory_type` at `value`.
void write_scalar_attribute(hid_t file, const std::string& object_path, const std::string& name, hid_t file_type,
                            hid_t memory_type, const void* value, const Where& w) {
  const char* object = is_root(object_path) ? "/" : object_path.c_str();
  if (check_tri(H5Aexists_by_name(file, object, name.c_str(), H5P_DEFAULT), w, "checking for the attribute")) {
    check(H5Adelete_by_name(file, object, name.c_str(), H5P_DEFAULT), w, "removing the old attribute");
  }
  const Handle space = own_space(H5Screate(H5S_SCALAR), w, "creating a scalar dataspace");
  const Handle attribute = own_attribute(
      H5Acreate_by_name(file, object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      w, "creating the attribute");
  check(H5Awrite(attribute.get(), memory_type, value), w, "writing the attribute");
}

// An open attribute holding a single value, with its type class.
struct ScalarAttribute {
  Handle attribute;
  Handle type;
  H5T_class_t type_class;
};

ScalarAttribute open_scalar_attribute(hid_t file, const std::string& object_path, const std::string& name,
                                      const Where& w) {
  const char* object = is_root(object_path) ? "/" : object_path.c_str();
  if (!check_tri(H5Aexists_by_name(file, object, name.c_str(), H5P_DEFAULT), w, "checking for the attribute")) {
    fail(w, "no such attribute");
  }
  Handle attribute = own_attribute(H5Aopen_by_name(file, object, name.c_str(), H5P_DEFAULT, H5P_DEFAULT), w,
                                   "opening the attribute");
  const Handle space = own_space(H5Aget_space(attribute.get()), w, "getting the attribute's dataspace");
  if (check_count(H5Sget_simple_extent_npoints(space.get()), w, "counting the attribute's values") != 1) {
    fail(w, "holds more than one value");
  }
  Handle type = own_type(H5Aget_type(attribute.get()), w, "getting the attribute's type");
  const H5T_class_t type_class = check_count(H5Tget_class(type.get()), w, "getting the type class");
  return ScalarAttribute{std::move(attribute), std::move(type), type_class};
}

const char* type_class_name(H5T_class_t c) {
  switch (c) {
    case H5T_INTEGER: return "an integer";
    case H5T_FLOAT: return "a float";
    case H5T_STRING: return "a string";
    default: return "another type";
  }
}

// The callback of H5Aiterate2 (Info = H5A_info_t) and H5Literate (Info = H5L_info_t): appends
// each name to the std::vector<std::string> behind `data`.
template <typename Info>
herr_t collect_name(hid_t /*location*/, const char* name, const Info* /*info*/, void* data) {
  try {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
  } catch (...) {
    return -1;  // an exception must not cross the C library
  }
  return 0;
}

}  // namespace

void Hdf5File::set_attribute(const std::string& object_path, const std::string& name, const std::string& value) {
  const hid_t file = open_id();
  const std::string where = attribute_where(object_path, name);
  const Where w{path_, where};
  if (!exists(object_path)) fail(w, "cannot set an attribute: no such object");
  const Handle type = utf8_string_type(w);
  const char* text = value.c_str();
  write_scalar_attribute(file, object_path, name, type.get(), type.get(), &text, w);
}

void Hdf5File::set_attribute(const std::string& object_path, const std::string& name, std::int64_t value) {
  const hid_t file = open_id();
  const std::string where = attribute_where(object_path, name);
  const Where w{path_, where};
  if (!exists(object_path)) fail(w, "cannot set an attribute: no such object");
  write_scalar_attribute(file, object_path, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value, w);
}

void Hdf5File::set_attribute(const std::string& object_path, const std::string& name, double value) {
  const hid_t file = open_id();
  const std::string where = attribute_where(object_path, name);
  const Where w{path_, where};
  if (!exists(object_path)) fail(w, "cannot set an attribute: no such object");
  write_scalar_attribute(file, object_path, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value, w);
}

std::string Hdf5File::string_attribute(const std::string& object_path, const std::string& name) const {
  const hid_t file = open_id();
  const std::string where = attribute_where(object_path, name);
  const Where w{path_, where};
  if (!exists(object_path)) fail(w, "no such object");
  const ScalarAttribute a = open_scalar_attribute(file, object_path, name, w);
  if (a.type_class != H5T_STRING) fail(w, std::string("holds ") + type_class_name(a.type_class) + ", not a string");
  // Reading with the file's own type avoids any character-set conversion.
  if (check_tri(H5Tis_variable_str(a.type.get()), w, "checking the string type")) {
    char* text = nullptr;
    check(H5Aread(a.attribute.get(), a.type.get(), &text), w, "reading the attribute");
    const HdfMemory owner{text};
    return text != nullptr ? std::string(text) : std::string();
  }
  const std::size_t size = H5Tget_size(a.type.get());
  if (size == 0) fail_with_reason(w, "getting the string size");
  std::string buffer(size, '\0');
  check(H5Aread(a.attribute.get(), a.type.get(), buffer.data()), w, "reading the attribute");
  return fixed_string(buffer.data(), size, H5Tget_strpad(a.type.get()) == H5T_STR_SPACEPAD);
}

std::int64_t Hdf5File::int_attribute(const std::string& object_path, const std::string& name) const {
  const hid_t file = open_id();
  const std::string where = attribute_where(object_path, name);
  const Where w{path_, where};
  if (!exists(object_path)) fail(w, "no such object");
  const ScalarAttribute a = open_scalar_attribute(file, object_path, name, w);
  if (a.type_class != H5T_INTEGER) fail(w, std::string("holds ") + type_class_name(a.type_class) + ", not an integer");
  std::int64_t value = 0;
  check(H5Aread(a.attribute.get(), H5T_NATIVE_INT64, &value), w, "reading the attribute");
  return value;
}

double Hdf5File::double_attribute(const std::string& object_path, const std::string& name) const {
  const hid_t file = open_id();
  const std::string where = attribute_where(object_path, name);
  const Where w{path_, where};
  if (!exists(object_path)) fail(w, "no such object");
  const ScalarAttribute a = open_scalar_attribute(file, object_path, name, w);
  if (a.type_class != H5T_FLOAT && a.type_class != H5T_INTEGER) {
    fail(w, std::string("holds ") + type_class_name(a.type_class) + ", not a number");
  }
  double value = 0.0;
  check(H5Aread(a.attribute.get(), H5T_NATIVE_DOUBLE, &value), w, "reading the attribute");
  return value;
}

std::vector<std::string> Hdf5File::attribute_names(const std::string& object_path) const {
  const hid_t file = open_id();
  const Where w{path_, object_path};
  if (!exists(object_path)) fail(w, "no such object");
  const Handle object = own_object(H5Oopen(file, is_root(object_path) ? "/" : object_path.c_str(), H5P_DEFAULT), w,
                                   "opening the object");
  std::vector<std::string> names;
  check(H5Aiterate2(object.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, collect_name<H5A_info_t>, &names), w,
        "listing attributes");
  std::sort(names.begin(), names.end());
  return names;
}

// ---------------------------------------------------------------------------------------------
// Groups and copies.

std::vector<std::string> Hdf5File::children(const std::string& group) const {
  const hid_t file = open_id();
  const Where w{path_, group};
  if (!exists(group)) fail(w, "no such group");
  const Handle object = own_object(H5Oopen(file, is_root(group) ? "/" : group.c_str(), H5P_DEFAULT), w,
                                   "opening the group");
  if (H5Iget_type(object.get()) != H5I_GROUP) fail(w, "is not a group");
  std::vector<std::string> names;
  hsize_t position = 0;
  check(H5Literate(object.get(), H5_INDEX_NAME, H5_ITER_INC, &position, collect_name<H5L_info_t>, &names), w,
        "listing the group");
  std::sort(names.begin(), names.end());
  return names;
}

void Hdf5File::copy_from(const Hdf5File& source, const std::string& object_path) {
  const hid_t file = open_id();
  const Where w{path_, object_path};
  if (is_root(object_path)) fail(w, "cannot copy the root group");
  if (!source.exists(object_path)) fail(Where{source.path_, object_path}, "cannot copy: no such object");
  if (exists(object_path)) fail(w, "cannot copy: an object of that name exists");
  const Handle lcpl = intermediate_groups_lcpl(w);
  check(H5Ocopy(source.open_id(), object_path.c_str(), file, object_path.c_str(), H5P_DEFAULT, lcpl.get()), w,
        ("copying from " + source.path_.string()).c_str());
}

}  // namespace vaesweep::io
