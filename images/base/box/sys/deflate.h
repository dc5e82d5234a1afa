/*
 * deflate.h: DEFLATE (RFC 1951), gzip members (RFC 1952) and CRC-32, for
 * gzip, gunzip, zcat and tar -z. Whole buffers in memory: files in a
 * browser container are small, and it keeps the code short.
 */
#ifndef BOX_DEFLATE_H
#define BOX_DEFLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../box.h"

uint32_t crc32_update(uint32_t crc, const unsigned char *data, size_t len);

/* Compresses `in` as one gzip member (fixed-Huffman DEFLATE with LZ77
 * matching, or stored blocks when that is smaller) and appends it to
 * `out`. `name` (may be NULL) is recorded as the original file name. */
void gzip_compress(buf_t *out, const unsigned char *in, size_t len, const char *name, uint32_t mtime);

/* Decompresses every gzip member of `in` (as gunzip: members concatenate)
 * and appends the data to `out`. Returns NULL on success, else a message
 * ("not in gzip format", "invalid compressed data--crc error", ...). */
const char *gzip_decompress(buf_t *out, const unsigned char *in, size_t len);

/* True when `in` starts with the gzip magic bytes. */
bool is_gzip(const unsigned char *in, size_t len);

#endif
