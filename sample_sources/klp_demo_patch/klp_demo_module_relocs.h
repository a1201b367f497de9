/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Source annotations for a klp-convert style post-processing step, modelled
 * on the klp-convert patch series (never merged upstream). They only matter
 * when a name is ambiguous: e.g. klp_demo_target2 has two static
 * "klp_demo2_tag" symbols, so the patch must say which one (its position
 * among same-named symbols in that object, as /proc/kallsyms lists them,
 * counting from 1).
 *
 * The array lands in ".klp.module_relocs.<object>"; each entry's relocation
 * names the undefined symbol, .sympos says which definition is meant. The
 * converter consumes the section and removes it from the final module.
 */
#ifndef KLP_DEMO_MODULE_RELOCS_H
#define KLP_DEMO_MODULE_RELOCS_H

#include <linux/compiler.h>

struct klp_module_reloc {
	void *sym;
	unsigned int sympos;
} __packed;

#define KLP_MODULE_RELOC(obj)						\
	static const struct klp_module_reloc __used			\
	__section(".klp.module_relocs." #obj) obj##_klp_relocs[]

#define KLP_SYMPOS(symbol, pos) { .sym = (void *)&(symbol), .sympos = (pos) }

#endif
