/*
 * deflate.c: a compact inflate (all three block types, so anything GNU
 * gzip or zlib writes), a deflate that emits fixed-Huffman blocks with
 * LZ77 matches found through hash chains (or stored blocks when smaller),
 * and the gzip container around them.
 *
 * The decoder follows the structure of zlib's "puff": canonical Huffman
 * codes decoded one bit at a time from count/symbol tables, which is slow
 * but small and easy to check. Every read is bounds-checked, so corrupt
 * input yields an error, never undefined behaviour. Errors are sticky
 * (the first one is kept and every later read returns zeros) and checked
 * at each loop, since wasm32-wasip1 has no setjmp/longjmp without the
 * exception-handling proposal.
 */
#include "deflate.h"

#include <string.h>

/* ---- CRC-32 (IEEE 802.3, reflected, as gzip) -------------------------------- */

uint32_t crc32_update(uint32_t crc, const unsigned char *data, size_t len) {
	static uint32_t table[256];
	static bool ready;
	if (!ready) {
		for (uint32_t n = 0; n < 256; n++) {
			uint32_t c = n;
			for (int k = 0; k < 8; k++) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			table[n] = c;
		}
		ready = true;
	}
	crc = ~crc;
	for (size_t i = 0; i < len; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* ---- tables shared by both directions ---------------------------------------- */

static const uint16_t length_base[29] = { 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                          35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t length_extra[29] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
                                          3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = { 1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129,
                                        193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
                                        6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = { 0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
                                        6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* ---- inflate ------------------------------------------------------------------- */

typedef struct {
	const unsigned char *in;
	size_t len, pos;
	uint32_t bitbuf;
	int bitcnt;
	buf_t *out;
	size_t out_start; /* back references may not reach before this member */
	const char *error; /* first error; NULL while all is well */
} inflater;

#define BAD_DATA "invalid compressed data--format violated"

static void inflate_fail(inflater *s, const char *message) {
	if (!s->error) s->error = message;
}

static unsigned get_bits(inflater *s, int need) {
	uint32_t val = s->bitbuf;
	while (s->bitcnt < need) {
		if (s->pos >= s->len) {
			inflate_fail(s, "unexpected end of file");
			return 0;
		}
		val |= (uint32_t)s->in[s->pos++] << s->bitcnt;
		s->bitcnt += 8;
	}
	s->bitbuf = need < 32 ? val >> need : 0;
	s->bitcnt -= need;
	return need < 32 ? val & ((1u << need) - 1) : val;
}

typedef struct {
	uint16_t count[16];  /* codes of each length */
	uint16_t symbol[288]; /* symbols ordered by code */
} huffman;

/* Builds a canonical code from code lengths; false if over-subscribed.
 * (Incomplete codes are allowed, as zlib allows them for distances.) */
static bool huffman_build(huffman *h, const uint8_t *lengths, int n) {
	uint16_t offs[16];
	memset(h->count, 0, sizeof h->count);
	for (int i = 0; i < n; i++) h->count[lengths[i]]++;
	if (h->count[0] == n) return true;
	int left = 1;
	for (int len = 1; len < 16; len++) {
		left <<= 1;
		left -= h->count[len];
		if (left < 0) return false;
	}
	offs[1] = 0;
	for (int len = 1; len < 15; len++) offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
	for (int i = 0; i < n; i++)
		if (lengths[i]) h->symbol[offs[lengths[i]]++] = (uint16_t)i;
	return true;
}

static int huffman_decode(inflater *s, const huffman *h) {
	int code = 0, first = 0, index = 0;
	for (int len = 1; len < 16; len++) {
		code |= (int)get_bits(s, 1);
		int count = h->count[len];
		if (code - count < first) return h->symbol[index + (code - first)];
		index += count;
		first += count;
		first <<= 1;
		code <<= 1;
	}
	inflate_fail(s, BAD_DATA);
	return -1;
}

static void inflate_stored(inflater *s) {
	s->bitbuf = 0;
	s->bitcnt = 0; /* stored blocks start on a byte boundary */
	if (s->len - s->pos < 4) { inflate_fail(s, "unexpected end of file"); return; }
	unsigned len = s->in[s->pos] | s->in[s->pos + 1] << 8;
	unsigned nlen = s->in[s->pos + 2] | s->in[s->pos + 3] << 8;
	s->pos += 4;
	if (len != (~nlen & 0xffff)) { inflate_fail(s, BAD_DATA); return; }
	if (s->len - s->pos < len) { inflate_fail(s, "unexpected end of file"); return; }
	buf_append(s->out, s->in + s->pos, len);
	s->pos += len;
}

static void inflate_codes(inflater *s, const huffman *lencode, const huffman *distcode) {
	while (!s->error) {
		int symbol = huffman_decode(s, lencode);
		if (symbol < 0) {
			return;
		} else if (symbol < 256) {
			buf_putc(s->out, (char)symbol);
		} else if (symbol == 256) {
			return;
		} else {
			symbol -= 257;
			if (symbol >= 29) { inflate_fail(s, BAD_DATA); return; }
			size_t len = length_base[symbol] + get_bits(s, length_extra[symbol]);
			int dsym = huffman_decode(s, distcode);
			if (dsym < 0 || dsym >= 30) { inflate_fail(s, BAD_DATA); return; }
			size_t dist = dist_base[dsym] + get_bits(s, dist_extra[dsym]);
			if (s->error) return;
			if (dist > s->out->len - s->out_start) { inflate_fail(s, BAD_DATA); return; }
			/* Byte by byte: the source may overlap what is being written. */
			buf_reserve(s->out, len);
			for (size_t i = 0; i < len; i++) s->out->data[s->out->len + i] = s->out->data[s->out->len + i - dist];
			s->out->len += len;
		}
	}
}

static void fixed_tables(huffman *lencode, huffman *distcode) {
	uint8_t lengths[288];
	int i = 0;
	for (; i < 144; i++) lengths[i] = 8;
	for (; i < 256; i++) lengths[i] = 9;
	for (; i < 280; i++) lengths[i] = 7;
	for (; i < 288; i++) lengths[i] = 8;
	huffman_build(lencode, lengths, 288);
	for (i = 0; i < 30; i++) lengths[i] = 5;
	huffman_build(distcode, lengths, 30);
}

static void inflate_dynamic(inflater *s) {
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
	uint8_t lengths[320] = {0};
	int nlen = (int)get_bits(s, 5) + 257, ndist = (int)get_bits(s, 5) + 1, ncode = (int)get_bits(s, 4) + 4;
	if (nlen > 286 || ndist > 30) { inflate_fail(s, BAD_DATA); return; }
	for (int i = 0; i < ncode; i++) lengths[order[i]] = (uint8_t)get_bits(s, 3);
	huffman lencode, distcode;
	if (!huffman_build(&lencode, lengths, 19)) { inflate_fail(s, BAD_DATA); return; }
	for (int i = 0; i < nlen + ndist;) {
		int symbol = huffman_decode(s, &lencode);
		if (symbol < 0) {
			return;
		} else if (symbol < 16) {
			lengths[i++] = (uint8_t)symbol;
			continue;
		}
		int repeat;
		uint8_t value = 0;
		if (symbol == 16) {
			if (i == 0) { inflate_fail(s, BAD_DATA); return; }
			value = lengths[i - 1];
			repeat = 3 + (int)get_bits(s, 2);
		} else if (symbol == 17) {
			repeat = 3 + (int)get_bits(s, 3);
		} else {
			repeat = 11 + (int)get_bits(s, 7);
		}
		if (s->error) return;
		if (i + repeat > nlen + ndist) { inflate_fail(s, BAD_DATA); return; }
		while (repeat--) lengths[i++] = value;
	}
	if (lengths[256] == 0) { inflate_fail(s, BAD_DATA); return; }
	if (!huffman_build(&lencode, lengths, nlen) || !huffman_build(&distcode, lengths + nlen, ndist))
		{ inflate_fail(s, BAD_DATA); return; }
	inflate_codes(s, &lencode, &distcode);
}

/* Inflates one raw DEFLATE stream starting at in[*pos]; advances *pos. */
static const char *inflate_raw(buf_t *out, const unsigned char *in, size_t len, size_t *pos) {
	inflater s = { .in = in, .len = len, .pos = *pos, .out = out, .out_start = out->len };
	int last;
	do {
		last = (int)get_bits(&s, 1);
		int type = (int)get_bits(&s, 2);
		if (type == 0) {
			inflate_stored(&s);
		} else if (type == 1) {
			huffman lencode, distcode;
			fixed_tables(&lencode, &distcode);
			inflate_codes(&s, &lencode, &distcode);
		} else if (type == 2) {
			inflate_dynamic(&s);
		} else {
			inflate_fail(&s, BAD_DATA);
		}
	} while (!last && !s.error);
	if (s.error) return s.error;
	*pos = s.pos; /* unused bits of the last byte are padding */
	return NULL;
}

/* ---- gzip container --------------------------------------------------------------- */

bool is_gzip(const unsigned char *in, size_t len) {
	return len >= 2 && in[0] == 0x1f && in[1] == 0x8b;
}

static uint32_t le32(const unsigned char *p) {
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Skips a NUL-terminated header field; false if it runs off the end. */
static bool skip_string(const unsigned char *in, size_t len, size_t *pos) {
	const unsigned char *nul = *pos < len ? memchr(in + *pos, 0, len - *pos) : NULL;
	if (!nul) return false;
	*pos = (size_t)(nul - in) + 1;
	return true;
}

const char *gzip_decompress(buf_t *out, const unsigned char *in, size_t len) {
	size_t pos = 0;
	bool first = true;
	while (pos < len) {
		/* GNU gzip ignores zero padding after the last member (tape blocks). */
		if (!first && in[pos] == 0) {
			while (pos < len && in[pos] == 0) pos++;
			if (pos == len) break;
			return "decompression OK, trailing garbage ignored";
		}
		if (len - pos < 18 || !is_gzip(in + pos, len - pos)) {
			return first ? "not in gzip format" : "decompression OK, trailing garbage ignored";
		}
		if (in[pos + 2] != 8) return "unknown method -- not supported";
		unsigned flags = in[pos + 3];
		if (flags & 0xe0) return "has flags 0xe0 -- not supported";
		pos += 10;
		if (flags & 4) { /* FEXTRA */
			if (len - pos < 2) return "unexpected end of file";
			size_t xlen = in[pos] | in[pos + 1] << 8;
			if (len - pos - 2 < xlen) return "unexpected end of file";
			pos += 2 + xlen;
		}
		if ((flags & 8) && !skip_string(in, len, &pos)) return "unexpected end of file";  /* FNAME */
		if ((flags & 16) && !skip_string(in, len, &pos)) return "unexpected end of file"; /* FCOMMENT */
		if (flags & 2) pos += 2;                                                             /* FHCRC */
		if (pos > len) return "unexpected end of file";
		size_t start = out->len;
		const char *error = inflate_raw(out, in, len, &pos);
		if (error) return error;
		if (len - pos < 8) return "unexpected end of file";
		uint32_t crc = le32(in + pos), size = le32(in + pos + 4);
		pos += 8;
		if (crc32_update(0, (unsigned char *)out->data + start, out->len - start) != crc)
			return "invalid compressed data--crc error";
		if ((uint32_t)(out->len - start) != size) return "invalid compressed data--length error";
		first = false;
	}
	if (first) return "unexpected end of file";
	return NULL;
}

/* ---- deflate ------------------------------------------------------------------------ */

typedef struct {
	buf_t *out;
	uint32_t bitbuf;
	int bitcnt;
} bitwriter;

static void put_bits(bitwriter *w, uint32_t value, int count) {
	w->bitbuf |= value << w->bitcnt;
	w->bitcnt += count;
	while (w->bitcnt >= 8) {
		buf_putc(w->out, (char)(w->bitbuf & 0xff));
		w->bitbuf >>= 8;
		w->bitcnt -= 8;
	}
}

static void flush_bits(bitwriter *w) {
	if (w->bitcnt > 0) buf_putc(w->out, (char)(w->bitbuf & 0xff));
	w->bitbuf = 0;
	w->bitcnt = 0;
}

/* Huffman codes are sent most significant bit first: reverse them. */
static uint32_t reverse_bits(uint32_t code, int len) {
	uint32_t r = 0;
	for (int i = 0; i < len; i++, code >>= 1) r = (r << 1) | (code & 1);
	return r;
}

/* The fixed literal/length code of RFC 1951 3.2.6. */
static void put_literal(bitwriter *w, int symbol) {
	if (symbol < 144) put_bits(w, reverse_bits(0x30 + (uint32_t)symbol, 8), 8);
	else if (symbol < 256) put_bits(w, reverse_bits(0x190 + (uint32_t)symbol - 144, 9), 9);
	else if (symbol < 280) put_bits(w, reverse_bits((uint32_t)symbol - 256, 7), 7);
	else put_bits(w, reverse_bits(0xc0 + (uint32_t)symbol - 280, 8), 8);
}

static void put_match(bitwriter *w, size_t len, size_t dist) {
	int l = 28;
	while (length_base[l] > len) l--;
	put_literal(w, 257 + l);
	put_bits(w, (uint32_t)(len - length_base[l]), length_extra[l]);
	int d = 29;
	while (dist_base[d] > dist) d--;
	put_bits(w, reverse_bits((uint32_t)d, 5), 5);
	put_bits(w, (uint32_t)(dist - dist_base[d]), dist_extra[d]);
}

#define WINDOW 32768
#define HASH_BITS 15
#define MAX_CHAIN 128
#define MIN_MATCH 3
#define MAX_MATCH 258

static uint32_t hash3(const unsigned char *p) {
	return ((uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2]) * 2654435761u >> (32 - HASH_BITS);
}

/* One fixed-Huffman block over all of `in`: greedy LZ77 with hash chains
 * (head[] = latest position of a hash, prev[] = the one before it). */
static void deflate_fixed(buf_t *out, const unsigned char *in, size_t len) {
	bitwriter w = { out, 0, 0 };
	put_bits(&w, 1, 1); /* last block */
	put_bits(&w, 1, 2); /* fixed Huffman */
	int32_t *head = xmalloc(sizeof *head << HASH_BITS);
	int32_t *prev = xmalloc(sizeof *prev * (len ? len : 1));
	for (size_t i = 0; i < (size_t)1 << HASH_BITS; i++) head[i] = -1;
	size_t i = 0;
	while (i < len) {
		size_t best_len = 0, best_dist = 0;
		if (len - i >= MIN_MATCH) {
			uint32_t h = hash3(in + i);
			size_t max = len - i < MAX_MATCH ? len - i : MAX_MATCH;
			int chain = MAX_CHAIN;
			for (int32_t j = head[h]; j >= 0 && i - (size_t)j <= WINDOW && chain--; j = prev[j]) {
				size_t n = 0;
				while (n < max && in[(size_t)j + n] == in[i + n]) n++;
				if (n > best_len) {
					best_len = n;
					best_dist = i - (size_t)j;
					if (n == max) break;
				}
			}
			prev[i] = head[h];
			head[h] = (int32_t)i;
		}
		if (best_len >= MIN_MATCH) {
			put_match(&w, best_len, best_dist);
			/* Index the positions inside the match so later data can refer to them. */
			for (size_t k = 1; k < best_len; k++) {
				if (len - (i + k) >= MIN_MATCH) {
					uint32_t h = hash3(in + i + k);
					prev[i + k] = head[h];
					head[h] = (int32_t)(i + k);
				}
			}
			i += best_len;
		} else {
			put_literal(&w, in[i]);
			i++;
		}
	}
	put_literal(&w, 256);
	flush_bits(&w);
	free(head);
	free(prev);
}

/* Stored blocks of at most 65535 bytes each. */
static void deflate_stored(buf_t *out, const unsigned char *in, size_t len) {
	size_t pos = 0;
	do {
		size_t n = len - pos > 65535 ? 65535 : len - pos;
		bool last = pos + n == len;
		unsigned char header[5] = { last, (unsigned char)(n & 0xff), (unsigned char)(n >> 8),
		                            (unsigned char)(~n & 0xff), (unsigned char)((~n >> 8) & 0xff) };
		buf_append(out, header, 5);
		buf_append(out, in + pos, n);
		pos += n;
	} while (pos < len);
}

void gzip_compress(buf_t *out, const unsigned char *in, size_t len, const char *name, uint32_t mtime) {
	unsigned char header[10] = { 0x1f, 0x8b, 8, name ? 8 : 0, (unsigned char)mtime, (unsigned char)(mtime >> 8),
	                             (unsigned char)(mtime >> 16), (unsigned char)(mtime >> 24), 0, 3 /* Unix */ };
	buf_append(out, header, sizeof header);
	if (name) buf_append(out, name, strlen(name) + 1);
	size_t start = out->len;
	deflate_fixed(out, in, len);
	/* Incompressible data: stored blocks cost 5 bytes per 64K instead. */
	size_t stored_size = len + 5 * (len / 65535 + 1);
	if (out->len - start > stored_size) {
		out->len = start;
		deflate_stored(out, in, len);
	}
	uint32_t crc = crc32_update(0, in, len), size = (uint32_t)len;
	unsigned char trailer[8] = { (unsigned char)crc, (unsigned char)(crc >> 8), (unsigned char)(crc >> 16),
	                             (unsigned char)(crc >> 24), (unsigned char)size, (unsigned char)(size >> 8),
	                             (unsigned char)(size >> 16), (unsigned char)(size >> 24) };
	buf_append(out, trailer, sizeof trailer);
}
