// SPDX-License-Identifier: GPL-2.0
/*
 * klp_demo_patch - a livepatch for vmlinux, klp_demo_target and
 * klp_demo_target2, in the style of samples/livepatch/livepatch-sample.c.
 *
 * Unlike that sample, the new functions use symbols their objects do not
 * export. They are declared extern below, under their real names, and stay
 * UNDEFINED in the kbuild output: as built, the kernel refuses this module
 * ("Unknown symbol"). A klp-convert style step must turn every such
 * reference into a .klp.rela.<obj>.<section> relocation against a
 * .klp.sym.<obj>.<name>,<sympos> symbol, which the livepatch core resolves
 * itself when the object is (or becomes) loaded.
 *
 * It also must not link against the targets' exported symbols: that would
 * make this module depend on them and force them to be loaded first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/init.h>		/* declares saved_command_line */
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

#include "klp_demo_module_relocs.h"

/*
 * vmlinux, not exported: saved_command_line (global data, declared in
 * <linux/init.h>).
 */

/* klp_demo_target, all static there. */
extern atomic_long_t klp_demo_reads;
extern const char * const klp_demo_greetings[3];
extern const char *klp_demo_greeting(unsigned long n);

/* klp_demo_target2, all static there. */
extern unsigned int klp_demo2_level;
extern const char klp_demo2_tag[];	/* ambiguous: see KLP_MODULE_RELOC */

/* The second klp_demo2_tag, the one in klp_demo_target2_aux.c. */
KLP_MODULE_RELOC(klp_demo_target2) = {
	KLP_SYMPOS(klp_demo2_tag, 2),
};

/* vmlinux: cmdline_proc_show() */
static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	seq_printf(m, "%s [klp_demo_patch]\n", saved_command_line);
	return 0;
}

/* klp_demo_target: klp_demo_greeting(), the fix: every greeting is used. */
static const char *livepatch_klp_demo_greeting(unsigned long n)
{
	return klp_demo_greetings[n % ARRAY_SIZE(klp_demo_greetings)];
}

/*
 * klp_demo_target: klp_demo_target_describe(). It keeps counting in the
 * target's own counter, and its call to klp_demo_greeting() goes to the old
 * function's address, where ftrace redirects it to the new one.
 */
static int livepatch_klp_demo_target_describe(char *buf, size_t len)
{
	unsigned long n = atomic_long_inc_return(&klp_demo_reads);

	return scnprintf(buf, len, "%s #%lu [klp_demo_patch]\n",
			 klp_demo_greeting(n), n);
}

/* klp_demo_target2: klp_demo2_format() */
static int livepatch_klp_demo2_format(char *buf, size_t len)
{
	return scnprintf(buf, len, "level=%u tag=%s [klp_demo_patch]\n",
			 klp_demo2_level, klp_demo2_tag);
}

static struct klp_func vmlinux_funcs[] = {
	{
		.old_name = "cmdline_proc_show",
		.new_func = livepatch_cmdline_proc_show,
	}, { }
};

static struct klp_func target_funcs[] = {
	{
		.old_name = "klp_demo_greeting",
		.new_func = livepatch_klp_demo_greeting,
	}, {
		.old_name = "klp_demo_target_describe",
		.new_func = livepatch_klp_demo_target_describe,
	}, { }
};

static struct klp_func target2_funcs[] = {
	{
		.old_name = "klp_demo2_format",
		.new_func = livepatch_klp_demo2_format,
	}, { }
};

static struct klp_object objs[] = {
	{
		/* name being NULL means vmlinux */
		.funcs = vmlinux_funcs,
	}, {
		.name = "klp_demo_target",
		.funcs = target_funcs,
	}, {
		.name = "klp_demo_target2",
		.funcs = target2_funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int klp_demo_patch_init(void)
{
	return klp_enable_patch(&patch);
}

static void klp_demo_patch_exit(void)
{
}

module_init(klp_demo_patch_init);
module_exit(klp_demo_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klp-lab: livepatch using non-exported symbols (needs klp-convert)");
MODULE_INFO(livepatch, "Y");
