// libpng signals errors by longjmp, which Swift cannot catch; this file keeps the
// setjmp boundary in C so a failing write returns an error code instead of crashing.
#include "CPngWriter.h"
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    jmp_buf jump;
    char *error;
    size_t error_size;
} writer_state;

static void on_error(png_structp png, png_const_charp message) {
    writer_state *state = (writer_state *)png_get_error_ptr(png);
    if (state->error && state->error_size > 0) {
        snprintf(state->error, state->error_size, "libpng: %s", message);
    }
    longjmp(state->jump, 1);
}

static void on_warning(png_structp png, png_const_charp message) {
    (void)png;
    (void)message;
}

int cpng_write_rgba(const char *path, const unsigned char *pixels, int width, int height,
                    size_t stride, const char *const *text_keys, const char *const *text_values,
                    int text_count, char *error, size_t error_size) {
    if (error && error_size > 0) error[0] = '\0';
    if (width <= 0 || height <= 0 || pixels == NULL) {
        if (error) snprintf(error, error_size, "empty image");
        return -1;
    }
    FILE *file = fopen(path, "wb");
    if (!file) {
        if (error) snprintf(error, error_size, "cannot open %s for writing", path);
        return -2;
    }
    writer_state state;
    state.error = error;
    state.error_size = error_size;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        if (png) png_destroy_write_struct(&png, NULL);
        fclose(file);
        if (error) snprintf(error, error_size, "libpng could not allocate");
        return -3;
    }
    if (setjmp(state.jump)) {
        png_destroy_write_struct(&png, &info);
        fclose(file);
        return -4;
    }
    png_init_io(png, file);
    /* Plots are flat colour: level 3 with the SUB filter writes 3-4x faster than libpng's
       defaults for files 10-20 % larger (measured on the project's figures). */
    png_set_compression_level(png, 3);
    png_set_filter(png, 0, PNG_FILTER_SUB);
    png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB_ALPHA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (text_count > 0) {
        png_text texts[32];
        int count = text_count < 32 ? text_count : 32;
        memset(texts, 0, sizeof(texts));
        for (int i = 0; i < count; i++) {
            texts[i].compression = PNG_TEXT_COMPRESSION_NONE;
            texts[i].key = (png_charp)text_keys[i];
            texts[i].text = (png_charp)text_values[i];
        }
        png_set_text(png, info, texts, count);
    }
    png_write_info(png, info);
    for (int row = 0; row < height; row++) {
        png_write_row(png, (png_const_bytep)(pixels + (size_t)row * stride));
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    if (fclose(file) != 0) {
        if (error) snprintf(error, error_size, "could not finish writing %s", path);
        return -5;
    }
    return 0;
}
