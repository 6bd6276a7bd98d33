/*
 * detect.c - format names and content-based format detection.
 */
#include "formats.h"

#include "util/error.h"
#include "util/num.h"

#include <string.h>

const char *fk_format_name(fk_format f)
{
    switch (f) {
    case FK_FORMAT_AUTO:
        return "auto";
    case FK_FORMAT_PERF:
        return "perf";
    case FK_FORMAT_FOLDED:
        return "folded";
    case FK_FORMAT_PPROF:
        return "pprof";
    case FK_FORMAT_GPERFTOOLS:
        return "gperftools";
    }
    return "?";
}

int fk_format_from_name(fk_format *out, const char *name)
{
    static const fk_format all[] = {FK_FORMAT_AUTO, FK_FORMAT_PERF, FK_FORMAT_FOLDED,
                                    FK_FORMAT_PPROF, FK_FORMAT_GPERFTOOLS};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (strcmp(name, fk_format_name(all[i])) == 0) {
            *out = all[i];
            return 0;
        }
    }
    return fkx_error_set(
        FK_EINVAL, "unknown format '%s' (expected auto, perf, folded, pprof or gperftools)", name);
}

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* "stack COUNT": a blank-separated last field that is a number. */
static int folded_like(const char *s, size_t len)
{
    while (len > 0 && is_blank(s[len - 1]))
        len--;
    size_t c0 = len;
    while (c0 > 0 && !is_blank(s[c0 - 1]))
        c0--;
    double v;
    return c0 > 0 && c0 < len && fkx_num_parse(s + c0, len - c0, &v);
}

/* "comm pid[/tid] ...": the start of a perf script sample header. */
static int perf_header_like(const char *s, size_t len)
{
    for (size_t i = 1; i < len; i++) {
        if (!is_blank(s[i]))
            continue;
        size_t j = i;
        while (j < len && is_blank(s[j]))
            j++;
        size_t d = j;
        while (j < len && s[j] >= '0' && s[j] <= '9')
            j++;
        if (j > d && j < len && (is_blank(s[j]) || s[j] == '/'))
            return 1;
    }
    return 0;
}

fk_format fk_format_detect(const char *data, size_t len, const char **why)
{
    *why = NULL;
    if (len == 0)
        return FK_FORMAT_FOLDED; /* nothing to read either way */
    if (fk_gperftools_detect(data, len))
        return FK_FORMAT_GPERFTOOLS;
    if (fk_pprof_detect(data, len))
        return FK_FORMAT_PPROF;
    if (len >= 8 && (memcmp(data, "PERFILE2", 8) == 0 || memcmp(data, "PERFFILE", 8) == 0)) {
        *why = "this is a perf.data file; convert it with 'perf script' first";
        return FK_FORMAT_AUTO;
    }
    size_t ctrl = 0, scan = len < 65536 ? len : 65536; /* binary shows in 64 KiB */
    for (size_t i = 0; i < scan; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == 0) {
            *why = "binary data (NUL bytes), not perf script text or folded stacks";
            return FK_FORMAT_AUTO;
        }
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v')
            ctrl++;
    }
    if (ctrl * 20 > scan) {
        *why = "binary data, not perf script text or folded stacks";
        return FK_FORMAT_AUTO;
    }
    size_t pos = 0, content = 0, folded = 0, headers = 0;
    int first_header = -1;
    while (pos < len && content < 200) {
        const char *nl = memchr(data + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - data) : len;
        if (nl == NULL && end - pos > 0 && len >= 64 * 1024)
            break; /* a cut-off last line proves nothing */
        const char *s = data + pos;
        size_t n = end - pos;
        pos = end + 1;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        if (n == 0 || s[0] == '#')
            continue;
        content++;
        if (is_blank(s[0])) {
            size_t i = 0;
            while (i < n && is_blank(s[i]))
                i++;
            if (i < n)
                return FK_FORMAT_PERF; /* an indented frame line */
            continue;
        }
        int f = folded_like(s, n), h = perf_header_like(s, n);
        if (first_header < 0)
            first_header = h && !f;
        folded += (size_t)f;
        headers += (size_t)h;
    }
    if (content == 0)
        return FK_FORMAT_FOLDED; /* only comments and blank lines */
    if (folded * 10 >= content * 9)
        return FK_FORMAT_FOLDED;
    if (first_header == 1 || headers * 2 > content)
        return FK_FORMAT_PERF;
    if (folded * 2 > content)
        return FK_FORMAT_FOLDED;
    *why = "neither perf script output nor folded stacks";
    return FK_FORMAT_AUTO;
}
