// SPDX-License-Identifier: GPL-2.0
/*
 * klp_helpers_patch - a test fixture for src/klp_packaging: the same three objects as
 * klp_demo_patch (vmlinux, klp_demo_target, klp_demo_target2), but the new functions call
 * static helpers in the same .text, which the assembler links without relocations:
 *  - vm_helper:      only the vmlinux function uses it;
 *  - t_helper, t_helper2: only klp_demo_target's functions (t_helper calls t_helper2, and
 *                    describe takes t_helper2's address RIP-relatively);
 *  - shared_count:   the vmlinux, klp_demo_target and klp_demo_target2 functions all call it;
 *  - core_helper:    the module's init and a klp_demo_target function call it.
 * The __init function sits in .init.text, so its references into .text are relocations
 * against the .text section symbol; one of them is a RIP-relative compare with an imm8
 * after the displacement (addend -5, not -4). It reads a patched function's first byte —
 * or, built as klp_helpers_split (-DKLP_SPLITTABLE), core_helper's: a split module cannot
 * keep init code that refers to another module's function.
 * Only exported symbols are used: the module loads without klp-convert.
 */
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/livepatch.h>
#include <linux/module.h>
#include <linux/seq_file.h>

static noinline __noclone int shared_count(const char *s)
{
	int n = 0;

	while (s[n])
		n++;
	asm volatile("" : "+r"(n));
	return n;
}

static noinline __noclone void vm_helper(struct seq_file *m, int n)
{
	seq_printf(m, "klp_helpers_patch %d\n", n);
}

static noinline __noclone int t_helper2(int x)
{
	asm volatile("" : "+r"(x));
	return x * 3 + 1;
}

static noinline __noclone int t_helper(char *buf, size_t len, int x)
{
	return scnprintf(buf, len, "helper %d\n", t_helper2(x));
}

static noinline __noclone int core_helper(int x)
{
	asm volatile("" : "+r"(x));
	return x + 7;
}

static int livepatch_cmdline_proc_show(struct seq_file *m, void *v)
{
	vm_helper(m, shared_count("cmdline"));
	return 0;
}

static const char * const greetings[] = { "hallo", "hello", "salut" };

static const char *livepatch_klp_demo_greeting(unsigned long n)
{
	return greetings[(n + shared_count("x")) % ARRAY_SIZE(greetings)];
}

static int livepatch_klp_demo_target_describe(char *buf, size_t len)
{
	int (*f)(int);

	/* the address of a static function, RIP-relative, resolved by the assembler */
	asm("lea %c1(%%rip), %0" : "=r"(f) : "i"(t_helper2));
	return t_helper(buf, len, f(shared_count(buf)) + core_helper(1));
}

static int livepatch_klp_demo2_format(char *buf, size_t len)
{
	return scnprintf(buf, len, "level=%d\n", shared_count(buf));
}

static struct klp_func vmlinux_funcs[] = {
	{ .old_name = "cmdline_proc_show", .new_func = livepatch_cmdline_proc_show, },
	{ }
};

static struct klp_func target_funcs[] = {
	{ .old_name = "klp_demo_greeting", .new_func = livepatch_klp_demo_greeting, },
	{ .old_name = "klp_demo_target_describe", .new_func = livepatch_klp_demo_target_describe, },
	{ }
};

static struct klp_func target2_funcs[] = {
	{ .old_name = "klp_demo2_format", .new_func = livepatch_klp_demo2_format, },
	{ }
};

static struct klp_object objs[] = {
	{ .funcs = vmlinux_funcs, },
	{ .name = "klp_demo_target", .funcs = target_funcs, },
	{ .name = "klp_demo_target2", .funcs = target2_funcs, },
	{ }
};

static struct klp_patch patch = {
	.mod = THIS_MODULE,
	.objs = objs,
};

static int __init klp_helpers_patch_init(void)
{
	int probe;

	/* RIP-relative with an imm8 after the displacement: the addend is -5 */
#ifdef KLP_SPLITTABLE
	asm volatile("xor %0, %0; cmpb $0x1, %c1(%%rip); sete %b0"
		     : "=&q"(probe) : "i"(core_helper));
#else
	asm volatile("xor %0, %0; cmpb $0x1, %c1(%%rip); sete %b0"
		     : "=&q"(probe) : "i"(livepatch_klp_demo_greeting));
#endif
	if (core_helper(probe) < 0)
		return -EINVAL;
	return klp_enable_patch(&patch);
}

static void __exit klp_helpers_patch_exit(void)
{
}

module_init(klp_helpers_patch_init);
module_exit(klp_helpers_patch_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("klp-lab test fixture: livepatch with static helpers (src/klp_packaging)");
MODULE_INFO(livepatch, "Y");
