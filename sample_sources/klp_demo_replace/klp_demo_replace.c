// SPDX-License-Identifier: GPL-2.0
/*
 * klp_demo_replace - a cumulative livepatch (.replace = true) that keeps
 * only klp_demo_patch's fix to klp_demo_target. Loading it atomically
 * replaces every earlier patch: cmdline_proc_show() and klp_demo2_format()
 * go back to their original code, and klp_demo_patch is disabled.
 *
 * Like klp_demo_patch, its new functions use the target's static symbols,
 * which stay undefined until a klp-convert style step rewrites them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>

/* klp_demo_target, all static there. */
extern atomic_long_t klp_demo_reads;
extern const char * const klp_demo_greetings[3];
extern const char *klp_demo_greeting(unsigned long n);

static const char *livepatch_klp_demo_greeting(unsigned long n)
{
	return klp_demo_greetings[n % ARRAY_SIZE(klp_demo_greetings)];
}

static int livepatch_klp_demo_target_describe(char *buf, size_t len)
{
	unsigned long n = atomic_long_inc_return(&klp_demo_reads);

	return scnprintf(buf, len, "%s #%lu [klp_demo_replace]\n",
			 klp_demo_greeting(n), n);
}

static struct klp_func target_funcs[] = {
	{
		.old_name = "klp_demo_greeting",
		.new_func = livepatch_klp_demo_greeting,
	}, {
		.old_name = "klp_demo_target_describe",
		.new_func = livepatch_klp_demo_target_describe,
	}, { }
};

static struct klp_object objs[] = {
	{
		.name = "klp_demo_target",
		.funcs = target_funcs,
	}, { }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
	.replace = true,
};

static int klp_demo_replace_init(void)
{
	return klp_enable_patch(&patch);
}

static void klp_demo_replace_exit(void)
{
}

module_init(klp_demo_replace_init);
module_exit(klp_demo_replace_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klp-lab: cumulative (atomic replace) livepatch");
MODULE_INFO(livepatch, "Y");
