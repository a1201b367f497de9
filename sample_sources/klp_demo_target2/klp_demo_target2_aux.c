// SPDX-License-Identifier: GPL-2.0
/*
 * Second compilation unit of klp_demo_target2. Its static klp_demo2_tag has
 * the same name as the one in klp_demo_target2_main.c: in the module's
 * symbol table (and kallsyms) this one comes second, i.e. sympos 2.
 */
#include <linux/compiler.h>

static const char klp_demo2_tag[] = "aux";

/* Global but not exported: only the main unit calls it. */
noinline const char *klp_demo2_aux_tag(void)
{
	return klp_demo2_tag;
}
