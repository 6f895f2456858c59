// ncnn .param text -> Graph (without weights). See ncnn_reader.hpp for the format.
#include <charconv>
#include <string>
#include <unordered_map>

#include <fmt/format.h>

#include "nn/layers/registry.hpp"
#include "nn/ncnn/ncnn_reader.hpp"
#include "nn/ncnn/param_table.hpp"

namespace kizuna::nn {
namespace {

// Splits text into lines and lines into whitespace-separated tokens, counting line numbers.
class LineReader {
public:
    explicit LineReader(std::string_view text) : text_(text) {}

    // Next non-empty line's tokens; false at the end of the text.
    bool next(std::vector<std::string_view>& tokens) {
        tokens.clear();
        while (pos_ < text_.size()) {
            size_t end = text_.find('\n', pos_);
            if (end == std::string_view::npos) end = text_.size();
            const std::string_view line = text_.substr(pos_, end - pos_);
            pos_ = end + 1;
            ++line_;
            size_t i = 0;
            while (i < line.size()) {
                while (i < line.size() && is_space(line[i])) ++i;
                const size_t start = i;
                while (i < line.size() && !is_space(line[i])) ++i;
                if (i > start) tokens.push_back(line.substr(start, i - start));
            }
            if (!tokens.empty()) return true;
        }
        return false;
    }
    int line() const { return line_; }

private:
    static bool is_space(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
    }
    std::string_view text_;
    size_t pos_ = 0;
    int line_ = 0;
};

bool parse_int(std::string_view s, int& out) {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size();
}

}  // namespace

Result<LayerSpec> decode_ncnn_layer(std::string_view type, const ParamDict& params, int inputs,
                                    int outputs) {
    const NcnnMatch match = find_ncnn_type(type);
    if (match.form == nullptr) return make_error(Errc::unsupported, "unsupported layer type");
    auto spec = match.form->decode(match.form->layout, params, inputs, outputs);
    KZ_TRY(spec);
    spec->type = match.def->type;
    return spec;
}

Result<ParsedParam> parse_ncnn_param(std::string_view text, const std::string& source) {
    if (text.size() > kMaxParamBytes)
        return make_error(Errc::corrupt_data,
                          fmt::format("{}: file is larger than {} bytes", source, kMaxParamBytes));
    if (text.find('\0') != std::string_view::npos)
        return make_error(Errc::corrupt_data,
                          fmt::format("{}: not a text .param file (contains NUL bytes)", source));
    LineReader reader(text);
    std::vector<std::string_view> tok;
    auto at = [&](std::string what) {
        return make_error(Errc::corrupt_data,
                          fmt::format("{}:{}: {}", source, reader.line(), std::move(what)));
    };

    if (!reader.next(tok) || tok.size() != 1 || tok[0] != "7767517")
        return at("bad magic: expected 7767517 (an ncnn .param text file)");
    int layer_count = 0;
    int blob_count = 0;
    if (!reader.next(tok) || tok.size() != 2 || !parse_int(tok[0], layer_count) ||
        !parse_int(tok[1], blob_count))
        return at("expected 'layer_count blob_count'");
    if (layer_count < 1 || layer_count > kMaxLayers)
        return at(fmt::format("layer count {} is out of range [1, {}]", layer_count, kMaxLayers));
    if (blob_count < 1 || blob_count > kMaxBlobs)
        return at(fmt::format("blob count {} is out of range [1, {}]", blob_count, kMaxBlobs));

    ParsedParam out;
    Graph& g = out.graph;
    g.source = source;
    g.layers.reserve(layer_count);
    g.blobs.reserve(blob_count);
    out.weights.reserve(layer_count);
    std::unordered_map<std::string_view, int> blob_index;  // views into `text`

    for (int li = 0; li < layer_count; ++li) {
        if (!reader.next(tok))
            return at(
                fmt::format("file ends after {} layers; the header declares {}", li, layer_count));
        if (tok.size() < 4) return at("layer line needs 'type name bottom_count top_count'");
        Layer layer;
        layer.name = std::string(tok[1]);
        layer.line = reader.line();
        const std::string_view type = tok[0];
        auto in_layer = [&](std::string what) {
            return at(fmt::format("layer {} '{}': {}", type, layer.name, std::move(what)));
        };
        int nin = 0;
        int nout = 0;
        if (!parse_int(tok[2], nin) || !parse_int(tok[3], nout) || nin < 0 || nout < 0 ||
            nin > kMaxLayerIo || nout > kMaxLayerIo)
            return in_layer(fmt::format("bad bottom/top counts '{} {}'", tok[2], tok[3]));
        if (tok.size() < 4 + static_cast<size_t>(nin) + nout)
            return in_layer(fmt::format("declares {} inputs and {} outputs but names only {}", nin,
                                        nout, tok.size() - 4));
        const int layer_id = static_cast<int>(g.layers.size());
        for (int i = 0; i < nin; ++i) {
            const std::string_view name = tok[4 + i];
            auto it = blob_index.find(name);
            if (it == blob_index.end())
                return in_layer(
                    fmt::format("input blob '{}' is not produced by an earlier layer", name));
            layer.inputs.push_back(it->second);
            std::vector<int>& consumers = g.blobs[it->second].consumers;
            if (consumers.empty() || consumers.back() != layer_id) consumers.push_back(layer_id);
        }
        for (int i = 0; i < nout; ++i) {
            const std::string_view name = tok[4 + nin + i];
            if (blob_index.count(name))
                return in_layer(
                    fmt::format("output blob '{}' is already produced elsewhere", name));
            if (static_cast<int>(g.blobs.size()) >= blob_count)
                return in_layer(
                    fmt::format("more blobs than the {} the header declares", blob_count));
            const int id = static_cast<int>(g.blobs.size());
            blob_index.emplace(name, id);
            g.blobs.push_back(Blob{std::string(name), layer_id, {}});
            layer.outputs.push_back(id);
        }
        ParamDict pd;
        for (size_t i = 4 + nin + nout; i < tok.size(); ++i) {
            auto r = pd.parse_token(tok[i]);
            if (!r) return in_layer(r.error().message);
        }
        auto spec = decode_ncnn_layer(type, pd, nin, nout);
        if (!spec) {
            Error e = std::move(spec).error();
            e.message = fmt::format("{}:{}: layer {} '{}': {}", source, layer.line, type,
                                    layer.name, e.message);
            return e;
        }
        layer.type = spec->type;
        layer.params = std::move(spec->params);
        if (layer.type == LayerType::input) {
            if (g.input_blob >= 0) return in_layer("a second Input layer is not supported");
            g.input_blob = layer.outputs[0];
        }
        out.weights.push_back(std::move(spec->weights));
        g.layers.push_back(std::move(layer));
    }
    if (reader.next(tok))
        return at(
            fmt::format("unexpected text after the {} layers the header declares", layer_count));
    if (static_cast<int>(g.blobs.size()) != blob_count)
        return make_error(Errc::corrupt_data,
                          fmt::format("{}: the header declares {} blobs but the layers produce {}",
                                      source, blob_count, g.blobs.size()));
    if (g.input_blob < 0)
        return make_error(Errc::corrupt_data, fmt::format("{}: no Input layer", source));
    for (int b = static_cast<int>(g.blobs.size()) - 1; b >= 0; --b) {
        if (g.blobs[b].consumers.empty() && b != g.input_blob) {
            g.output_blob = b;
            break;
        }
    }
    if (g.output_blob < 0)
        return make_error(Errc::corrupt_data,
                          fmt::format("{}: no output blob (every blob is consumed)", source));
    return out;
}

}  // namespace kizuna::nn
