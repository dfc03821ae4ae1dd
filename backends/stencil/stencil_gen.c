/* stencil_gen: the build-time tool of the copy-and-patch backend. It reads
 * the ELF64 relocatable objects clang-19 made of backends/stencil/stencils/
 * and writes the stencil table as C: for every function named
 * vmir_stencil_NAME, its machine code and its holes (offset, kind, addend).
 *
 *   stencil_gen OUT.c OUT.h OBJECT...
 *
 * Accepted input is narrow on purpose, and anything else stops the build
 * with a message: x86-64 little-endian ET_REL objects; one stencil per
 * section (.text.NAME or .ltext.NAME, from -ffunction-sections); only
 * R_X86_64_64 relocations (what -mcmodel=large -fno-pic emits for every
 * address: movabs imm64), and only against undefined symbols: a _JIT_* hole
 * or a helper function of the library. A relocation against a section
 * (.rodata constants, a jump table, a static function that was not
 * inlined) means the stencil is not self-contained and is rejected. */
#include <elf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "vmir_stencil_"

static const char *const hole_symbols[] = {
#define H(kind, sym) sym,
#include "holes.def"
#undef H
};
static const char *const hole_kinds[] = {
#define H(kind, sym) "VMIR_HOLE_" #kind,
#include "holes.def"
#undef H
};
#define HOLE_NAMED (sizeof hole_symbols / sizeof hole_symbols[0])
#define HOLE_CONTINUE 0 /* first row of holes.def */

typedef struct hole {
  uint32_t offset;
  uint32_t kind;        /* index into hole_symbols, or HOLE_NAMED for a helper */
  int64_t addend;
  char *helper;
} hole;

typedef struct stencil {
  char *name;
  uint8_t *code;
  uint32_t size;
  uint32_t fallthrough_size;
  hole *holes;
  uint32_t hole_count;
  const char *origin;
} stencil;

static stencil *stencils;
static size_t stencil_count, stencil_cap;

static void die(const char *origin, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
static void die(const char *origin, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "stencil_gen: %s: ", origin);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1);
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die("stencil_gen", "out of memory");
  return p;
}

static char *xstrdup(const char *s) {
  size_t n = strlen(s) + 1;
  return memcpy(xmalloc(n), s, n);
}

static uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) die(path, "cannot open");
  size_t cap = 1 << 16, n = 0;
  uint8_t *buf = xmalloc(cap);
  for (;;) {
    if (n == cap) {
      cap *= 2;
      uint8_t *grown = realloc(buf, cap);
      if (!grown) die(path, "out of memory");
      buf = grown;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    if (got == 0) break;
    n += got;
  }
  if (ferror(f)) die(path, "read error");
  fclose(f);
  *len = n;
  return buf;
}

/* Bounds-checked views into the object file. */
typedef struct elf {
  const char *path;
  const uint8_t *data;
  size_t len;
  const Elf64_Ehdr *eh;
  const Elf64_Shdr *sh;
  const char *shstr;
  size_t shstr_len;
} elf;

static const void *span(const elf *e, uint64_t off, uint64_t size) {
  if (off > e->len || size > e->len - off) die(e->path, "truncated or corrupt object");
  return e->data + off;
}

static const char *string_at(const elf *e, const char *table, size_t table_len, uint32_t off) {
  if (off >= table_len || !memchr(table + off, 0, table_len - off))
    die(e->path, "string table offset out of range");
  return table + off;
}

static const char *section_name(const elf *e, uint32_t i) {
  return string_at(e, e->shstr, e->shstr_len, e->sh[i].sh_name);
}

static bool starts_with(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool is_text_section(const char *name) {
  return starts_with(name, ".text.") || starts_with(name, ".ltext.");
}

/* ---- tail-jump elision ----------------------------------------------------
 * A stencil whose last instruction is the jump to its CONTINUE target can
 * drop that jump when the target is the very next stencil. With
 * -mcmodel=large the jump is `movabs $_JIT_CONTINUE, %reg` ... `jmp *%reg`.
 * Decoding forward from the movabs (a known instruction boundary) through a
 * whitelist of epilogue instructions that do not write %reg (pop of another
 * register, add $imm, %rsp) proves the final bytes are that jump. Tail
 * merging is off in the stencil build, so no other path reaches the jmp
 * with another target in %reg. Returns the bytes to keep. */
static uint32_t fallthrough_size(const stencil *s) {
  const uint8_t *c = s->code;
  uint32_t n = s->size;
  for (uint32_t h = 0; h < s->hole_count; h++) {
    const hole *ho = &s->holes[h];
    if (ho->kind != HOLE_CONTINUE || ho->addend != 0 || ho->offset < 2) continue;
    uint32_t mov = ho->offset - 2;
    uint8_t rex = c[mov], op = c[mov + 1];
    if ((rex != 0x48 && rex != 0x49) || op < 0xb8 || op > 0xbf) continue;
    unsigned reg = (op - 0xb8u) + (rex == 0x49 ? 8u : 0u);
    uint32_t at = ho->offset + 8;
    bool between = false;
    for (;;) {
      if (at >= n) break;
      /* jmp *%reg ending exactly at the end of the stencil */
      if (reg < 8 && at + 2 == n && c[at] == 0xff && c[at + 1] == 0xe0 + reg)
        return between ? at : mov;
      if (reg >= 8 && at + 3 == n && c[at] == 0x41 && c[at + 1] == 0xff && c[at + 2] == 0xe0 + (reg - 8))
        return between ? at : mov;
      /* pop of another register */
      if (c[at] >= 0x58 && c[at] <= 0x5f && reg != (unsigned)(c[at] - 0x58)) {
        at += 1;
      } else if (at + 1 < n && c[at] == 0x41 && c[at + 1] >= 0x58 && c[at + 1] <= 0x5f &&
                 reg != 8u + (unsigned)(c[at + 1] - 0x58)) {
        at += 2;
      } else if (at + 3 < n && c[at] == 0x48 && c[at + 1] == 0x83 && c[at + 2] == 0xc4) {
        at += 4; /* add $imm8, %rsp */
      } else if (at + 6 < n && c[at] == 0x48 && c[at + 1] == 0x81 && c[at + 2] == 0xc4) {
        at += 7; /* add $imm32, %rsp */
      } else if (at + 2 < n && (c[at] & 0xfa) == 0x48 && c[at + 1] == 0x89 &&
                 (c[at + 2] & 0xc0) == 0xc0) {
        /* mov %src, %dst between 64-bit registers (REX.W, with .R/.B for
         * r8..r15): the register shuffles clang puts between the address
         * load and the jump. Allowed when %dst is neither %reg nor %rsp. */
        unsigned dst = ((c[at] & 1u) ? 8u : 0u) + (c[at + 2] & 7u);
        if (dst == reg || dst == 4) break;
        at += 3;
      } else {
        break;
      }
      between = true;
    }
  }
  return n;
}

/* ---- one object -------------------------------------------------------------- */

static void add_stencil(stencil s) {
  for (size_t i = 0; i < stencil_count; i++)
    if (strcmp(stencils[i].name, s.name) == 0)
      die(s.origin, "stencil %s is also defined in %s", s.name, stencils[i].origin);
  if (stencil_count == stencil_cap) {
    stencil_cap = stencil_cap ? stencil_cap * 2 : 64;
    stencil *grown = realloc(stencils, stencil_cap * sizeof *grown);
    if (!grown) die("stencil_gen", "out of memory");
    stencils = grown;
  }
  stencils[stencil_count++] = s;
}

/* The helper table (engine/jit/helpers.def): the only functions a stencil
 * may call. */
static const char *const helper_names[] = {
#define HELPER(name) #name,
#include "jit/helpers.def"
#undef HELPER
};

static bool is_helper(const char *name) {
  for (size_t i = 0; i < sizeof helper_names / sizeof helper_names[0]; i++)
    if (strcmp(name, helper_names[i]) == 0) return true;
  return false;
}

static void read_object(const char *path) {
  elf e = {.path = path};
  e.data = read_file(path, &e.len);
  e.eh = span(&e, 0, sizeof(Elf64_Ehdr));
  const unsigned char *id = e.eh->e_ident;
  if (memcmp(id, ELFMAG, SELFMAG) != 0) die(path, "not an ELF file");
  if (id[EI_CLASS] != ELFCLASS64 || id[EI_DATA] != ELFDATA2LSB)
    die(path, "not a little-endian ELF64 object");
  if (e.eh->e_type != ET_REL) die(path, "not a relocatable object");
  if (e.eh->e_machine != EM_X86_64) die(path, "not an x86-64 object (machine %u)", e.eh->e_machine);
  if (e.eh->e_shentsize != sizeof(Elf64_Shdr)) die(path, "unexpected section header size");
  uint32_t shnum = e.eh->e_shnum;
  e.sh = span(&e, e.eh->e_shoff, (uint64_t)shnum * sizeof(Elf64_Shdr));
  if (e.eh->e_shstrndx >= shnum) die(path, "bad section name table index");
  const Elf64_Shdr *shs = &e.sh[e.eh->e_shstrndx];
  e.shstr = span(&e, shs->sh_offset, shs->sh_size);
  e.shstr_len = shs->sh_size;

  /* The symbol table and its strings. */
  const Elf64_Sym *syms = NULL;
  size_t sym_count = 0;
  const char *strs = NULL;
  size_t strs_len = 0;
  for (uint32_t i = 0; i < shnum; i++) {
    if (e.sh[i].sh_type == SHT_REL)
      die(path, "section %s: REL relocations are not supported", section_name(&e, i));
    if (e.sh[i].sh_type != SHT_SYMTAB) continue;
    if (syms) die(path, "more than one symbol table");
    if (e.sh[i].sh_entsize != sizeof(Elf64_Sym)) die(path, "unexpected symbol size");
    syms = span(&e, e.sh[i].sh_offset, e.sh[i].sh_size);
    sym_count = e.sh[i].sh_size / sizeof(Elf64_Sym);
    if (e.sh[i].sh_link >= shnum) die(path, "bad symbol string table index");
    const Elf64_Shdr *st = &e.sh[e.sh[i].sh_link];
    strs = span(&e, st->sh_offset, st->sh_size);
    strs_len = st->sh_size;
  }
  if (!syms) die(path, "no symbol table");

  /* Writable or zero-filled data would be state shared by every copy of
   * a stencil: stencils have none. */
  for (uint32_t i = 0; i < shnum; i++) {
    const char *name = section_name(&e, i);
    if ((e.sh[i].sh_flags & SHF_ALLOC) && (e.sh[i].sh_flags & SHF_WRITE) && e.sh[i].sh_size)
      die(path, "section %s: stencils must not have writable data", name);
  }

  size_t found = 0;
  for (size_t k = 0; k < sym_count; k++) {
    const Elf64_Sym *sym = &syms[k];
    if (ELF64_ST_TYPE(sym->st_info) != STT_FUNC || sym->st_shndx == SHN_UNDEF) continue;
    const char *fname = string_at(&e, strs, strs_len, sym->st_name);
    if (!starts_with(fname, PREFIX)) {
      die(path, "function %s is not a stencil (not inlined? stencils must be self-contained)", fname);
    }
    if (sym->st_shndx >= shnum) die(path, "%s: bad section index", fname);
    const Elf64_Shdr *text = &e.sh[sym->st_shndx];
    const char *tname = section_name(&e, sym->st_shndx);
    if (!is_text_section(tname) || text->sh_type != SHT_PROGBITS || !(text->sh_flags & SHF_EXECINSTR))
      die(path, "%s is in section %s, not in a .text.* or .ltext.* section of its own", fname, tname);
    if (sym->st_value != 0 || sym->st_size != text->sh_size)
      die(path, "%s does not fill its section %s (compile with -ffunction-sections)", fname, tname);
    if (text->sh_size == 0 || text->sh_size > UINT32_MAX) die(path, "%s has an odd size", fname);

    stencil s = {.name = xstrdup(fname + strlen(PREFIX)), .origin = path};
    s.size = (uint32_t)text->sh_size;
    s.code = xmalloc(s.size);
    memcpy(s.code, span(&e, text->sh_offset, text->sh_size), s.size);

    /* Its relocations. */
    for (uint32_t r = 0; r < shnum; r++) {
      const Elf64_Shdr *rs = &e.sh[r];
      if (rs->sh_type != SHT_RELA || rs->sh_info != sym->st_shndx) continue;
      if (rs->sh_entsize != sizeof(Elf64_Rela)) die(path, "unexpected relocation size");
      const Elf64_Rela *rel = span(&e, rs->sh_offset, rs->sh_size);
      size_t n = rs->sh_size / sizeof(Elf64_Rela);
      s.holes = realloc(s.holes, (s.hole_count + n) * sizeof *s.holes);
      if (!s.holes) die(path, "out of memory");
      for (size_t j = 0; j < n; j++) {
        uint32_t type = ELF64_R_TYPE(rel[j].r_info);
        size_t si = ELF64_R_SYM(rel[j].r_info);
        if (si >= sym_count) die(path, "%s: relocation names symbol %zu of %zu", fname, si, sym_count);
        const Elf64_Sym *target = &syms[si];
        const char *tsym = target->st_name ? string_at(&e, strs, strs_len, target->st_name) : "";
        if (ELF64_ST_TYPE(target->st_info) == STT_SECTION && target->st_shndx < shnum)
          tsym = section_name(&e, target->st_shndx);
        if (type != R_X86_64_64)
          die(path, "%s+%#llx: relocation type %u against %s; only R_X86_64_64 is supported "
              "(build the stencils with -mcmodel=large -fno-pic)",
              fname, (unsigned long long)rel[j].r_offset, type, tsym);
        if (target->st_shndx != SHN_UNDEF)
          die(path, "%s+%#llx: relocation against %s, which is defined in the object: stencils "
              "may only refer to holes and helper functions",
              fname, (unsigned long long)rel[j].r_offset, tsym);
        if (rel[j].r_offset > s.size - 8)
          die(path, "%s: relocation at %#llx past the end", fname, (unsigned long long)rel[j].r_offset);
        hole *h = &s.holes[s.hole_count++];
        h->offset = (uint32_t)rel[j].r_offset;
        h->addend = rel[j].r_addend;
        h->helper = NULL;
        h->kind = HOLE_NAMED;
        for (uint32_t kx = 0; kx < HOLE_NAMED; kx++)
          if (strcmp(tsym, hole_symbols[kx]) == 0) h->kind = kx;
        if (h->kind == HOLE_NAMED) {
          if (starts_with(tsym, "_JIT_")) die(path, "%s: unknown hole %s (see holes.def)", fname, tsym);
          if (!is_helper(tsym))
            die(path, "%s calls %s, which is not in the helper table (engine/jit/helpers.def): "
                "generated code may call only the functions listed there", fname, tsym);
          h->helper = xstrdup(tsym);
        }
      }
    }
    s.fallthrough_size = fallthrough_size(&s);
    add_stencil(s);
    found++;
  }
  if (!found) die(path, "no stencil functions (named " PREFIX "*)");
  free((void *)e.data);
}

/* ---- output ------------------------------------------------------------------- */

static int by_name(const void *a, const void *b) {
  return strcmp(((const stencil *)a)->name, ((const stencil *)b)->name);
}

static FILE *open_out(const char *path) {
  FILE *f = fopen(path, "w");
  if (!f) die(path, "cannot write");
  return f;
}

static void close_out(FILE *f, const char *path) {
  if (ferror(f) || fclose(f) != 0) die(path, "write error");
}

static void write_header(const char *path) {
  FILE *f = open_out(path);
  fprintf(f, "/* Generated by stencil_gen: stencil ids. Do not edit. */\n");
  fprintf(f, "#ifndef VMIR_STENCIL_IDS_H\n#define VMIR_STENCIL_IDS_H\n\n");
  fprintf(f, "enum vmir_stencil_id {\n");
  for (size_t i = 0; i < stencil_count; i++) fprintf(f, "  VMIR_STENCIL_%s,\n", stencils[i].name);
  fprintf(f, "  VMIR_STENCIL_COUNT\n};\n\n#endif\n");
  close_out(f, path);
}

static void write_table(const char *path) {
  FILE *f = open_out(path);
  fprintf(f, "/* Generated by stencil_gen from clang-19 objects: the machine code and\n"
             " * holes of %zu stencils. Do not edit. */\n", stencil_count);
  fprintf(f, "#include \"stencil_table.h\"\n#include \"jit/helpers.h\"\n\n");
  for (size_t i = 0; i < stencil_count; i++) {
    const stencil *s = &stencils[i];
    fprintf(f, "/* %s: %u bytes, %u without its tail jump */\n", s->name, s->size, s->fallthrough_size);
    fprintf(f, "static const uint8_t body_%s[%u] = {", s->name, s->size);
    for (uint32_t b = 0; b < s->size; b++)
      fprintf(f, "%s0x%02x,", b % 16 ? " " : "\n  ", s->code[b]);
    fprintf(f, "\n};\n");
    if (s->hole_count) {
      fprintf(f, "static const vmir_stencil_hole holes_%s[%u] = {\n", s->name, s->hole_count);
      for (uint32_t h = 0; h < s->hole_count; h++) {
        const hole *ho = &s->holes[h];
        if (ho->kind == HOLE_NAMED)
          fprintf(f, "  {%u, VMIR_HOLE_HELPER, %lld, (vmir_helper_addr)%s},\n", ho->offset,
                  (long long)ho->addend, ho->helper);
        else
          fprintf(f, "  {%u, %s, %lld, 0},\n", ho->offset, hole_kinds[ho->kind],
                  (long long)ho->addend);
      }
      fprintf(f, "};\n");
    }
  }
  fprintf(f, "\nconst vmir_stencil vmir_stencils[VMIR_STENCIL_COUNT] = {\n");
  for (size_t i = 0; i < stencil_count; i++) {
    const stencil *s = &stencils[i];
    fprintf(f, "  [VMIR_STENCIL_%s] = {\"%s\", body_%s, %u, %u, %s%s, %u},\n", s->name, s->name,
            s->name, s->size, s->fallthrough_size, s->hole_count ? "holes_" : "0",
            s->hole_count ? s->name : "", s->hole_count);
  }
  fprintf(f, "};\n");
  close_out(f, path);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: stencil_gen OUT.c OUT.h OBJECT...\n");
    return 2;
  }
  for (int i = 3; i < argc; i++) read_object(argv[i]);
  qsort(stencils, stencil_count, sizeof *stencils, by_name);
  write_header(argv[2]);
  write_table(argv[1]);
  return 0;
}
