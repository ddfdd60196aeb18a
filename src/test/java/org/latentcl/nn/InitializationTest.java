package org.latentcl.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.latentcl.backend.TestBackends;

/**
 * The two initializations against PyTorch's rules, parameter by parameter. initialize: a weight and its bias from
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with PyTorch's fan-in (Linear: in; Conv2d: in k k; ConvTranspose2d, whose
 * weight is [in, out, k, k]: out k k), spread over the whole interval; batch norm's scale 1 and shift 0.
 * initializeNormal (DCGAN): weights N(0, std), scales N(1, std), biases and shifts 0.
 */
class InitializationTest {
    private static List<ParamSpec> layers() {
        List<ParamSpec> specs = new ArrayList<>();
        specs.addAll(new Linear("lin", 70, 30).specs());
        specs.addAll(new Conv2d("conv", 2, 40, 8, 8, 3, 1, 1, 4).specs());
        specs.addAll(new ConvTranspose2d("deconv", 40, 20, 4, 4, 4, 2, 1, 0, 4).specs());
        specs.addAll(new BatchNorm2d("bn", 20, 64).specs());
        return specs;
    }

    @Test
    void pyTorchsDefaultBoundsByFanInAndBatchNormsOnesAndZeros() {
        Map<String, Integer> fanIn = Map.of("lin.weight", 70, "lin.bias", 70, "conv.weight", 18, "conv.bias", 18, "deconv.weight", 320,
                "deconv.bias", 320);
        try (Parameters p = new Parameters(TestBackends.java(), layers())) {
            p.initialize(3);
            Map<String, float[]> v = p.toHost();
            for (var e : fanIn.entrySet()) {
                float[] w = v.get(e.getKey());
                double bound = 1 / Math.sqrt(e.getValue());
                double max = 0;
                double mean = 0;
                for (float x : w) {
                    assertTrue(Math.abs(x) <= bound * (1 + 1e-6), e.getKey() + " = " + x + " beyond " + bound);
                    max = Math.max(max, Math.abs(x));
                    mean += x / bound / w.length;
                }
                assertTrue(max > 0.8 * bound, e.getKey() + " fills its interval: max " + max + " of " + bound);
                assertTrue(Math.abs(mean) < 0.35, e.getKey() + " is centred: mean " + mean + " bounds");
            }
            for (float x : v.get("bn.weight")) {
                assertEquals(1f, x);
            }
            for (float x : v.get("bn.bias")) {
                assertEquals(0f, x);
            }
        }
    }

    @Test
    void theDcganInitializationByRole() {
        try (Parameters p = new Parameters(TestBackends.java(), layers())) {
            p.initializeNormal(5, 0.02f);
            Map<String, float[]> v = p.toHost();
            for (String bias : new String[] {"lin.bias", "conv.bias", "deconv.bias", "bn.bias"}) {
                for (float x : v.get(bias)) {
                    assertEquals(0f, x, bias);
                }
            }
            assertMoments(v.get("deconv.weight"), 0, 0.02, "deconv.weight");
            assertMoments(v.get("lin.weight"), 0, 0.02, "lin.weight");
            assertMoments(v.get("bn.weight"), 1, 0.02, "bn.weight");
        }
    }

    private static void assertMoments(float[] x, double mean, double std, String what) {
        double m = 0;
        for (float v : x) {
            m += v / x.length;
        }
        double var = 0;
        for (float v : x) {
            var += (v - m) * (v - m) / (x.length - 1);
        }
        assertEquals(mean, m, 4 * std / Math.sqrt(x.length) + 1e-7, what + " mean");
        assertEquals(std, Math.sqrt(var), std * (x.length < 100 ? 0.5 : 0.15), what + " standard deviation");
    }
}
