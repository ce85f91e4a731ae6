package org.panagrad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** torch-like printing. */
class TensorFormatTest {

    @Test
    void wholeNumbersWithRequiresGrad() {
        Tensor x = Tensor.of(new float[][] {{1, 2}, {3, 4}}).requiresGrad(true);
        assertEquals("tensor([[1., 2.],\n        [3., 4.]], requiresGrad=true)", x.toString());
        assertEquals("tensor([[ 2.,  8.],\n        [18., 32.]], gradFn=<MulBackward>)", x.mul(x).mul(2).toString());
    }

    @Test
    void fixedAndScientific() {
        assertEquals("tensor([[ 0.0314, -0.4865],\n        [ 1.2349, -0.6947]])",
                Tensor.of(new float[][] {{0.0314f, -0.4865f}, {1.2349f, -0.6947f}}).toString());
        assertEquals("tensor([[9.8870e-04, 2.3671e-01],\n        [1.5249e+00, 4.8260e-01]])",
                Tensor.of(new float[][] {{9.8870e-04f, 2.3671e-01f}, {1.5249f, 4.8260e-01f}}).toString());
        assertEquals("tensor(3296.0845)", Tensor.scalar(3296.0845f).toString());
        assertEquals("tensor([])", Tensor.zeros(0).toString());
        assertEquals("tensor([nan, inf, 1.])", Tensor.of(Float.NaN, Float.POSITIVE_INFINITY, 1).toString());
    }

    @Test
    void threeAxesAreSeparatedByBlankLines() {
        assertEquals("tensor([[[0., 1.]],\n\n        [[2., 3.]]])", Tensor.arange(4).reshape(2, 1, 2).toString());
    }

    @Test
    void largeTensorsAreSummarised() {
        Tensor big = Tensor.arange(1_000_000).reshape(1000, 1000);
        String s = big.toString();
        String expected = "tensor([[     0.,      1.,      2., ...,    997.,    998.,    999.],\n"
                + "        [  1000.,   1001.,   1002., ...,   1997.,   1998.,   1999.],\n"
                + "        [  2000.,   2001.,   2002., ...,   2997.,   2998.,   2999.],\n"
                + "        ...,\n"
                + "        [997000., 997001., 997002., ..., 997997., 997998., 997999.],\n"
                + "        [998000., 998001., 998002., ..., 998997., 998998., 998999.],\n"
                + "        [999000., 999001., 999002., ..., 999997., 999998., 999999.]])";
        assertEquals(expected, s);
        assertTrue(s.length() < 800);
    }
}
