package org.panagrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.panagrad.TestSupport.assertClose;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.panagrad.Tensor;

/**
 * Optimizer steps and LR schedules against PyTorch 1.13. The expected numbers were printed by
 * {@code java/src/test/python/optim_reference.py} (run with /usr/bin/python3) and pasted here unchanged:
 * two float32 parameters a = [[1, -2], [0.5, 3]] and b = [0.25, -0.75, 1.5] get three fixed gradients; each row is
 * a then b, flattened, after one step.
 */
class OptimizerReferenceTest {
    static final float[] A0 = {1.0f, -2.0f, 0.5f, 3.0f};
    static final float[] B0 = {0.25f, -0.75f, 1.5f};
    static final float[][] GRADS_A = {{0.1f, -0.2f, 0.3f, 0.0f}, {-0.5f, 0.25f, 0.05f, -1.0f}, {0.2f, 0.4f, -0.3f, 0.6f}};
    static final float[][] GRADS_B = {{1.0f, -0.5f, 0.0f}, {0.3f, 0.3f, -0.2f}, {-0.7f, 0.1f, 0.9f}};

    /** Pasted from optim_reference.py's output: case name, then the parameters after steps 1, 2 and 3. */
    private static final Object[] TORCH = {
        "sgd_plain", new float[][] {
            {0.9900000095367432f, -1.9800000190734863f, 0.4699999988079071f, 3.0f, 0.15000000596046448f, -0.699999988079071f, 1.5f},
            {1.0399999618530273f, -2.005000114440918f, 0.4650000035762787f, 3.0999999046325684f, 0.12000000476837158f, -0.7300000190734863f, 1.5199999809265137f},
            {1.0199999809265137f, -2.0450000762939453f, 0.4950000047683716f, 3.0399999618530273f, 0.1899999976158142f, -0.7400000095367432f, 1.4299999475479126f}},
        "sgd_momentum_dampening", new float[][] {
            {0.9900000095367432f, -1.9800000190734863f, 0.4699999988079071f, 3.0f, 0.15000000596046448f, -0.699999988079071f, 1.5f},
            {1.0260000228881836f, -1.9845000505447388f, 0.43849998712539673f, 3.0899999141693115f, 0.03300000727176666f, -0.6819999814033508f, 1.5180000066757202f},
            {1.0404000282287598f, -2.024549961090088f, 0.4371500015258789f, 3.116999864578247f, -0.009299994446337223f, -0.6747999787330627f, 1.4531999826431274f}},
        "sgd_nesterov", new float[][] {
            {0.9810000061988831f, -1.9620000123977661f, 0.4429999887943268f, 3.0f, 0.05999999865889549f, -0.6549999713897705f, 1.5f},
            {1.0679000616073608f, -1.993299961090088f, 0.409199982881546f, 3.190000057220459f, -0.07800000160932541f, -0.6714999675750732f, 1.5379999876022339f},
            {1.063110113143921f, -2.074970006942749f, 0.4402799904346466f, 3.1570000648498535f, -0.042200006544589996f, -0.6783499717712402f, 1.38319993019104f}},
        "sgd_weight_decay", new float[][] {
            {0.9890000224113464f, -1.9780000448226929f, 0.46950000524520874f, 2.996999979019165f, 0.1497499942779541f, -0.6992499828338623f, 1.4984999895095825f},
            {1.038011074066162f, -2.0010221004486084f, 0.46403050422668457f, 3.0940029621124268f, 0.11960024386644363f, -0.7285507321357727f, 1.5170015096664429f},
            {1.0169730186462402f, -2.0390210151672363f, 0.49356648325920105f, 3.0309090614318848f, 0.18948064744472504f, -0.7378221750259399f, 1.425484538078308f}},
        "adam_default", new float[][] {
            {0.9990000128746033f, -1.9989999532699585f, 0.49900001287460327f, 3.0f, 0.24899999797344208f, -0.7490000128746033f, 1.5f},
            {0.9995983839035034f, -1.9991626739501953f, 0.4982166886329651f, 3.000744104385376f, 0.24814429879188538f, -0.7488085031509399f, 1.500744104385376f},
            {0.9997955560684204f, -1.9997401237487793f, 0.4982346296310425f, 3.000908613204956f, 0.24795104563236237f, -0.7487706542015076f, 1.500245213508606f}},
        "adam_lr", new float[][] {
            {0.9000009894371033f, -1.9000004529953003f, 0.40000033378601074f, 3.0f, 0.15000009536743164f, -0.6500002145767212f, 1.5f},
            {0.9631988406181335f, -1.9219601154327393f, 0.3231480121612549f, 3.07657790184021f, 0.06533998996019363f, -0.636355996131897f, 1.5765775442123413f},
            {0.9807567000389099f, -1.9858219623565674f, 0.33443719148635864f, 3.0885989665985107f, 0.05500595271587372f, -0.6388466954231262f, 1.5222975015640259f}},
        "adam_weight_decay", new float[][] {
            {0.8999999761581421f, -1.899999976158142f, 0.4000000059604645f, 2.9000000953674316f, 0.15000000596046448f, -0.6499999761581421f, 1.399999976158142f},
            {0.9375219941139221f, -1.8447802066802979f, 0.3165665864944458f, 2.9424824714660645f, 0.06408363580703735f, -0.616142988204956f, 1.3654394149780273f},
            {0.9273037314414978f, -1.8371809720993042f, 0.3029114305973053f, 2.915515661239624f, 0.04305243864655495f, -0.5939651131629944f, 1.298208236694336f}},
        "adam_amsgrad", new float[][] {
            {0.8999999761581421f, -1.899999976158142f, 0.4000000059604645f, 3.0f, 0.15000000596046448f, -0.6499999761581421f, 1.5f},
            {0.9523366093635559f, -1.9157094955444336f, 0.3312424123287201f, 3.064460277557373f, 0.07264770567417145f, -0.6306619048118591f, 1.564460277557373f},
            {0.9686734080314636f, -1.9660900831222534f, 0.3329792320728302f, 3.0791046619415283f, 0.054098159074783325f, -0.6272448897361755f, 1.5258820056915283f}},
        "adam_skip", new float[][] {
            {0.8999999761581421f, -1.899999976158142f, 0.4000000059604645f, 3.0f, 0.25f, -0.75f, 1.5f},
            {0.959835410118103f, -1.9162732362747192f, 0.32166728377342224f, 3.074413776397705f, 0.15000000596046448f, -0.8499999642372131f, 1.600000023841858f},
            {0.9795548915863037f, -1.9740173816680908f, 0.3234626054763794f, 3.090853214263916f, 0.1920185387134552f, -0.9371063709259033f, 1.5418853759765625f}},
        "adamw", new float[][] {
            {0.8990000486373901f, -1.8980000019073486f, 0.3995000123977661f, 2.996999979019165f, 0.1497500240802765f, -0.6492500305175781f, 1.4984999895095825f},
            {0.9579364657402039f, -1.9123753309249878f, 0.3207677900791168f, 3.0684168338775635f, 0.06403056532144547f, -0.6294510364532471f, 1.5714151859283447f},
            {0.9766980409622192f, -1.9682071208953857f, 0.3222423493862152f, 3.0817878246307373f, 0.04464167356491089f, -0.6250391602516174f, 1.5199544429779053f}},
        "adamw_amsgrad", new float[][] {
            {0.8500000238418579f, -1.7999999523162842f, 0.375f, 2.8499999046325684f, 0.13749998807907104f, -0.6124999523162842f, 1.4249999523162842f},
            {0.8598366379737854f, -1.7257094383239746f, 0.28749239444732666f, 2.7719602584838867f, 0.05327267944812775f, -0.562536895275116f, 1.4182102680206299f},
            {0.833181619644165f, -1.6898045539855957f, 0.2748546004295349f, 2.6480066776275635f, 0.03205949813127518f, -0.5309930443763733f, 1.3087214231491089f}},
        "rmsprop_plain", new float[][] {
            {0.9000000953674316f, -1.9000000953674316f, 0.40000003576278687f, 3.0f, 0.15000000596046448f, -0.6500000357627869f, 1.5f},
            {0.9980769753456116f, -1.9782397747039795f, 0.3834795653820038f, 3.0999999046325684f, 0.121132493019104f, -0.7016398310661316f, 1.5999999046325684f},
            {0.9613967537879944f, -2.0565240383148193f, 0.4540562629699707f, 3.0483601093292236f, 0.17719171941280365f, -0.718686580657959f, 1.5023581981658936f}},
        "rmsprop_centered_momentum_wd", new float[][] {
            {0.9666672348976135f, -1.9666669368743896f, 0.4666669964790344f, 2.9666669368743896f, 0.21666677296161652f, -0.7166668772697449f, 1.4666674137115479f},
            {0.9789814352989197f, -1.9545496702194214f, 0.44045940041542053f, 2.979804277420044f, 0.18924348056316376f, -0.7123590707778931f, 1.4612627029418945f},
            {0.9668943881988525f, -1.9640202522277832f, 0.44688111543655396f, 2.9614548683166504f, 0.19380788505077362f, -0.7118383049964905f, 1.425309181213379f}}
    };

    /** The optimizer each case of the script builds, written with this library's API. */
    static Optimizer make(String name, List<Tensor> p) {
        return switch (name) {
            case "sgd_plain" -> new SGD(p, 0.1);
            case "sgd_momentum_dampening" -> new SGD(p, 0.1).momentum(0.9).dampening(0.1);
            case "sgd_nesterov" -> new SGD(p, 0.1).momentum(0.9).nesterov(true);
            case "sgd_weight_decay" -> new SGD(p, 0.1).weightDecay(0.01);
            case "adam_default" -> new Adam(p);
            case "adam_lr" -> new Adam(p, 0.1).betas(0.8, 0.9).eps(1e-6);
            case "adam_weight_decay" -> new Adam(p, 0.1).weightDecay(0.1);
            case "adam_amsgrad" -> new Adam(p, 0.1).betas(0.9, 0.5).amsgrad(true);
            case "adam_skip" -> new Adam(p, 0.1);
            case "adamw" -> new AdamW(p, 0.1);
            case "adamw_amsgrad" -> new AdamW(p, 0.1).betas(0.9, 0.5).weightDecay(0.5).amsgrad(true);
            case "rmsprop_plain" -> new RMSprop(p, 0.01);
            case "rmsprop_centered_momentum_wd" ->
                    new RMSprop(p, 0.01).alpha(0.9).eps(1e-6).weightDecay(0.1).momentum(0.5).centered(true);
            default -> throw new IllegalArgumentException(name);
        };
    }

    static Stream<Arguments> torchCases() {
        List<Arguments> out = new ArrayList<>();
        for (int i = 0; i < TORCH.length; i += 2) out.add(Arguments.of(TORCH[i], TORCH[i + 1]));
        return out.stream();
    }

    /** Makes {@code p.grad()} exactly {@code g}: d/dp sum(p * g) = g. */
    static void setGrad(Tensor p, float[] g) {
        p.clearGrad();
        p.mul(Tensor.fromArray(g, p.shape())).sum().backward();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("torchCases")
    void matchesPyTorch(String name, float[][] expected) {
        Tensor a = Tensor.fromArray(A0, 2, 2).requiresGrad(true);
        Tensor b = Tensor.of(B0).requiresGrad(true);
        Optimizer opt = make(name, List.of(a, b));
        for (int k = 0; k < 3; k++) {
            setGrad(a, GRADS_A[k]);
            if (name.equals("adam_skip") && k == 0) b.clearGrad(); // torch skips b; its own step count lags
            else setGrad(b, GRADS_B[k]);
            opt.step();
            float[] got = new float[7];
            System.arraycopy(a.toFloatArray(), 0, got, 0, 4);
            System.arraycopy(b.toFloatArray(), 0, got, 4, 3);
            assertClose(expected[k], got, 1e-5, 1e-6, name + " after step " + (k + 1));
        }
        assertEquals(3, opt.stepCount());
    }

    /** torch StepLR(step_size=2, gamma=0.5) on lr 0.1: get_last_lr() after each of 7 epochs. */
    private static final double[] TORCH_STEP_LR = {0.1, 0.05, 0.05, 0.025, 0.025, 0.0125, 0.0125};

    /** torch CosineAnnealingLR(T_max=5, eta_min=0.001) on lr 0.1: get_last_lr() after each of 12 epochs. */
    private static final double[] TORCH_COSINE = {0.0905463412215599, 0.06579634122155989, 0.035203658778440096, 0.010453658778440105, 0.001, 0.010453658778440102, 0.03520365877844012, 0.06579634122155993, 0.09054634122155995, 0.10000000000000005, 0.09054634122155998, 0.06579634122155995};

    @Test
    void stepLrMatchesPyTorch() {
        Optimizer opt = new SGD(List.of(Tensor.zeros(1).requiresGrad(true)), 0.1);
        StepLR sched = new StepLR(opt, 2, 0.5);
        assertEquals(0.1, sched.lastLr());
        for (int e = 0; e < TORCH_STEP_LR.length; e++) {
            sched.step();
            assertEquals(TORCH_STEP_LR[e], sched.lastLr(), 1e-15, "epoch " + (e + 1));
            assertEquals(sched.lastLr(), opt.lr());
        }
    }

    @Test
    void cosineMatchesPyTorch() {
        Optimizer opt = new Adam(List.of(Tensor.zeros(1).requiresGrad(true)), 0.1);
        CosineAnnealingLR sched = new CosineAnnealingLR(opt, 5, 0.001);
        for (int e = 0; e < TORCH_COSINE.length; e++) {
            sched.step();
            assertEquals(TORCH_COSINE[e], sched.lastLr(), 1e-15, "epoch " + (e + 1));
            assertEquals(sched.lastLr(), opt.lr());
        }
        assertEquals(12, sched.lastEpoch());
    }

    /** Widening: a float hyper-parameter is accepted as the double it widens to. */
    @Test
    void floatHyperParametersWiden() {
        float lr = 0.1f;
        Tensor a = Tensor.of(1f).requiresGrad(true);
        Optimizer opt = new SGD(List.of(a), lr).momentum(0.9f);
        setGrad(a, new float[] {1f});
        opt.step();
        assertEquals(1f - 0.1f, a.item(), 1e-7);
    }
}
