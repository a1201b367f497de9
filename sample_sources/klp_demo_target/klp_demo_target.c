// SPDX-License-Identifier: GPL-2.0
/*
 * klp_demo_target - a small module for klp_demo_patch to patch.
 *
 * /proc/klp_demo_target prints one greeting per read. klp_demo_greeting()
 * has a deliberate bug (it never picks the last greeting) so that the fix a
 * livepatch brings is visible from user space.
 *
 * The symbols a patch refers to are deliberately NOT exported: the static
 * counter, the static const table and the static function. A livepatch can
 * only reach them through .klp.rela sections, which is the point of the demo.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

/* .bss: a patch shares this counter with the code it replaces. */
static atomic_long_t klp_demo_reads;

/* .rodata: the patched klp_demo_greeting() indexes the same table. */
static const char * const klp_demo_greetings[] = { "hello", "bonjour", "hallo" };

/*
 * noinline and __noclone: it must stay one real function under its own
 * name (no inlined copies, no .constprop/.isra clones) with its own
 * __fentry__ call, or livepatch could neither find it nor redirect it.
 */
static noinline __noclone const char *klp_demo_greeting(unsigned long n)
{
	/* BUG (on purpose): "- 1" means "hallo" is never chosen. */
	return klp_demo_greetings[n % (ARRAY_SIZE(klp_demo_greetings) - 1)];
}

/* Exported so that the patch also replaces a global, versioned symbol. */
int klp_demo_target_describe(char *buf, size_t len)
{
	unsigned long n = atomic_long_inc_return(&klp_demo_reads);

	return scnprintf(buf, len, "%s #%lu\n", klp_demo_greeting(n), n);
}
EXPORT_SYMBOL_GPL(klp_demo_target_describe);

static int klp_demo_show(struct seq_file *m, void *v)
{
	char buf[64];

	klp_demo_target_describe(buf, sizeof(buf));
	seq_puts(m, buf);
	return 0;
}

static int __init klp_demo_target_init(void)
{
	if (!proc_create_single("klp_demo_target", 0444, NULL, klp_demo_show))
		return -ENOMEM;
	pr_info("loaded, %zu greetings\n", ARRAY_SIZE(klp_demo_greetings));
	return 0;
}

static void __exit klp_demo_target_exit(void)
{
	remove_proc_entry("klp_demo_target", NULL);
}

module_init(klp_demo_target_init);
module_exit(klp_demo_target_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klp-lab: target module with static symbols for a livepatch");
