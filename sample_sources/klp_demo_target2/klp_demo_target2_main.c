// SPDX-License-Identifier: GPL-2.0
/*
 * klp_demo_target2 - a second, independent target module, so that a
 * livepatch can name an object that is loaded while another is not.
 *
 * /proc/klp_demo_target2 prints the "level" parameter and two tags. Nothing
 * here is exported: a patch reaches klp_demo2_level and klp_demo2_tag only
 * through .klp.rela sections.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

/* .data: a module parameter is ordinary static data a patch can read. */
static unsigned int klp_demo2_level = 1;
module_param_named(level, klp_demo2_level, uint, 0644);
MODULE_PARM_DESC(level, "a number /proc/klp_demo_target2 reports");

/* Same name as in klp_demo_target2_aux.c: this one is sympos 1. */
static const char klp_demo2_tag[] = "main";

const char *klp_demo2_aux_tag(void);

/*
 * Patched by klp_demo_patch. Without __noclone gcc-12 emits it only as
 * "klp_demo2_format.constprop.0.isra.0", a name livepatch cannot target.
 */
static noinline __noclone int klp_demo2_format(char *buf, size_t len)
{
	return scnprintf(buf, len, "level=%u tags=%s,%s\n", klp_demo2_level,
			 klp_demo2_tag, klp_demo2_aux_tag());
}

static int klp_demo2_show(struct seq_file *m, void *v)
{
	char buf[64];

	klp_demo2_format(buf, sizeof(buf));
	seq_puts(m, buf);
	return 0;
}

static int __init klp_demo_target2_init(void)
{
	if (!proc_create_single("klp_demo_target2", 0444, NULL, klp_demo2_show))
		return -ENOMEM;
	pr_info("loaded, level=%u\n", klp_demo2_level);
	return 0;
}

static void __exit klp_demo_target2_exit(void)
{
	remove_proc_entry("klp_demo_target2", NULL);
}

module_init(klp_demo_target2_init);
module_exit(klp_demo_target2_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klp-lab: second target module (homonym static symbols)");
