"""A notebook's kernel that dies before its first answer is started once more, and only then."""
import pytest

from conftest import KERNEL_DIED, start_again_if_the_kernel_died


def failing(errors):
    """A kernel start that raises the given errors in turn, then returns "kernel"."""
    calls = []

    def start():
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return "kernel"
    return start, calls


def test_a_kernel_that_died_at_start_is_started_once_more():
    start, calls = failing([RuntimeError(KERNEL_DIED)])
    assert start_again_if_the_kernel_died(start)() == "kernel" and len(calls) == 2


def test_a_second_death_and_other_errors_are_not_hidden():
    start, calls = failing([RuntimeError(KERNEL_DIED), RuntimeError(KERNEL_DIED)])
    with pytest.raises(RuntimeError, match=KERNEL_DIED):
        start_again_if_the_kernel_died(start)()
    start, calls = failing([RuntimeError("no such kernel")])
    with pytest.raises(RuntimeError, match="no such kernel"):
        start_again_if_the_kernel_died(start)()
    assert len(calls) == 1


def test_nbval_starts_its_kernels_through_it():
    import nbval.kernel
    assert nbval.kernel.start_new_kernel.__qualname__.startswith("start_again_if_the_kernel_died")
