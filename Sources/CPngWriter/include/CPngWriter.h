#ifndef CPNGWRITER_H
#define CPNGWRITER_H
#include <stddef.h>

/// Writes 8-bit RGBA pixels (row-major, `stride` bytes per row) to `path` as a PNG with
/// `text_count` tEXt chunks. Returns 0 on success, or a negative code; on failure
/// `error` (if not NULL, `error_size` bytes) receives libpng's message or the reason.
int cpng_write_rgba(const char *path, const unsigned char *pixels, int width, int height,
                    size_t stride, const char *const *text_keys, const char *const *text_values,
                    int text_count, char *error, size_t error_size);
#endif
