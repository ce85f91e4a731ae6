package org.panagrad.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.panagrad.TestSupport.assertClose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * a then b, flattened, after one step. The optimizer state (exp_avg, exp_avg_sq, max_exp_avg_sq, momentum_buffer,
 * square_avg, grad_avg) is checked after every step too, to within a few float roundings.
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

    /**
     * Pasted from optim_reference.py's output (TORCH_STATE): case, step (1-based), buffer name, then the buffer of a
     * followed by that of b, flattened; b's part is absent while b has no state (adam_skip's first step).
     */
    private static final Object[] TORCH_STATE = {
        "sgd_momentum_dampening", 1, "momentum_buffer", new float[] {0.10000000149011612f, -0.20000000298023224f, 0.30000001192092896f, 0.0f, 1.0f, -0.5f, 0.0f},
        "sgd_momentum_dampening", 2, "momentum_buffer", new float[] {-0.35999998450279236f, 0.04500000178813934f, 0.3149999976158142f, -0.8999999761581421f, 1.1699999570846558f, -0.17999997735023499f, -0.17999999225139618f},
        "sgd_momentum_dampening", 3, "momentum_buffer", new float[] {-0.14399997889995575f, 0.40049999952316284f, 0.01349998265504837f, -0.2699999213218689f, 0.4230000078678131f, -0.07199997454881668f, 0.6479999423027039f},
        "sgd_nesterov", 1, "momentum_buffer", new float[] {0.10000000149011612f, -0.20000000298023224f, 0.30000001192092896f, 0.0f, 1.0f, -0.5f, 0.0f},
        "sgd_nesterov", 2, "momentum_buffer", new float[] {-0.4099999964237213f, 0.07000000774860382f, 0.320000022649765f, -1.0f, 1.2000000476837158f, -0.1499999761581421f, -0.20000000298023224f},
        "sgd_nesterov", 3, "momentum_buffer", new float[] {-0.16899998486042023f, 0.46299999952316284f, -0.01199999451637268f, -0.2999999523162842f, 0.3800000548362732f, -0.03499997407197952f, 0.7199999690055847f},
        "adam_default", 1, "exp_avg", new float[] {0.010000000707805157f, -0.020000001415610313f, 0.030000001192092896f, 0.0f, 0.10000000149011612f, -0.05000000074505806f, 0.0f},
        "adam_default", 1, "exp_avg_sq", new float[] {1.0000000656873453e-05f, 4.0000002627493814e-05f, 9.000000864034519e-05f, 0.0f, 0.0010000000474974513f, 0.0002500000118743628f, 0.0f},
        "adam_default", 2, "exp_avg", new float[] {-0.04100000113248825f, 0.006999999284744263f, 0.03200000151991844f, -0.10000000149011612f, 0.11999999731779099f, -0.01499999687075615f, -0.020000001415610313f},
        "adam_default", 2, "exp_avg_sq", new float[] {0.0002599900180939585f, 0.00010246000601910055f, 9.241000952897593e-05f, 0.0010000000474974513f, 0.0010890000266954303f, 0.0003397500258870423f, 4.0000002627493814e-05f},
        "adam_default", 3, "exp_avg", new float[] {-0.016899997368454933f, 0.046300001442432404f, -0.0012000002898275852f, -0.0299999937415123f, 0.037999995052814484f, -0.00349999638274312f, 0.07199999690055847f},
        "adam_default", 3, "exp_avg_sq", new float[] {0.00029973004711791873f, 0.00026235755649395287f, 0.00018231759895570576f, 0.0013590001035481691f, 0.001577911083586514f, 0.0003494102566037327f, 0.0008499600226059556f},
        "adam_lr", 1, "exp_avg", new float[] {0.020000001415610313f, -0.04000000283122063f, 0.06000000238418579f, 0.0f, 0.20000000298023224f, -0.10000000149011612f, 0.0f},
        "adam_lr", 1, "exp_avg_sq", new float[] {0.0010000000474974513f, 0.004000000189989805f, 0.009000000543892384f, 0.0f, 0.10000000149011612f, 0.02500000037252903f, 0.0f},
        "adam_lr", 2, "exp_avg", new float[] {-0.08399999886751175f, 0.017999999225139618f, 0.05800000578165054f, -0.20000000298023224f, 0.2200000137090683f, -0.020000003278255463f, -0.04000000283122063f},
        "adam_lr", 2, "exp_avg_sq", new float[] {0.02590000070631504f, 0.009850000031292439f, 0.008349999785423279f, 0.10000000149011612f, 0.0989999994635582f, 0.03150000050663948f, 0.004000000189989805f},
        "adam_lr", 3, "exp_avg", new float[] {-0.027199996635317802f, 0.09440000355243683f, -0.013599996455013752f, -0.040000006556510925f, 0.03600001335144043f, 0.003999997861683369f, 0.14800000190734863f},
        "adam_lr", 3, "exp_avg_sq", new float[] {0.027310000732541084f, 0.024865001440048218f, 0.01651499979197979f, 0.12600000202655792f, 0.13809999823570251f, 0.029349999502301216f, 0.08459999412298203f},
        "adam_weight_decay", 1, "exp_avg", new float[] {0.020000001415610313f, -0.04000000283122063f, 0.03500000387430191f, 0.030000001192092896f, 0.10249999910593033f, -0.057500001043081284f, 0.015000000596046448f},
        "adam_weight_decay", 1, "exp_avg_sq", new float[] {4.0000002627493814e-05f, 0.00016000001050997525f, 0.00012250003055669367f, 9.000000864034519e-05f, 0.0010506249964237213f, 0.0003306250146124512f, 2.2500002160086296e-05f},
        "adam_weight_decay", 2, "exp_avg", new float[] {-0.023000000044703484f, -0.030000003054738045f, 0.04050000384449959f, -0.04399999976158142f, 0.1237500011920929f, -0.02824999950826168f, 0.007499999832361937f},
        "adam_weight_decay", 2, "exp_avg_sq", new float[] {0.00020806000975426286f, 0.00016344001051038504f, 0.00013047753600403666f, 0.0005940099945291877f, 0.0011487993178889155f, 0.00038551940815523267f, 2.6077503207488917e-05f},
        "adam_weight_decay", 3, "exp_avg", new float[] {0.008675219491124153f, -0.00544780446216464f, 0.00961566623300314f, 0.049824826419353485f, 0.042015835642814636f, -0.021586427465081215f, 0.11040439456701279f},
        "adam_weight_decay", 3, "exp_avg_sq", new float[] {0.00029414231539703906f, 0.00020972630591131747f, 0.0002023552224272862f, 0.0013930959394201636f, 0.0016287198523059487f, 0.0003866073675453663f, 0.0011004748521372676f},
        "adam_amsgrad", 1, "exp_avg", new float[] {0.010000000707805157f, -0.020000001415610313f, 0.030000001192092896f, 0.0f, 0.10000000149011612f, -0.05000000074505806f, 0.0f},
        "adam_amsgrad", 1, "exp_avg_sq", new float[] {0.005000000353902578f, 0.020000001415610313f, 0.04500000178813934f, 0.0f, 0.5f, 0.125f, 0.0f},
        "adam_amsgrad", 1, "max_exp_avg_sq", new float[] {0.005000000353902578f, 0.020000001415610313f, 0.04500000178813934f, 0.0f, 0.5f, 0.125f, 0.0f},
        "adam_amsgrad", 2, "exp_avg", new float[] {-0.04100000113248825f, 0.006999999284744263f, 0.03200000151991844f, -0.10000000149011612f, 0.11999999731779099f, -0.01499999687075615f, -0.020000001415610313f},
        "adam_amsgrad", 2, "exp_avg_sq", new float[] {0.1274999976158142f, 0.04125000163912773f, 0.023750001564621925f, 0.5f, 0.29500001668930054f, 0.10750000178813934f, 0.020000001415610313f},
        "adam_amsgrad", 2, "max_exp_avg_sq", new float[] {0.1274999976158142f, 0.04125000163912773f, 0.04500000178813934f, 0.5f, 0.5f, 0.125f, 0.020000001415610313f},
        "adam_amsgrad", 3, "exp_avg", new float[] {-0.016899997368454933f, 0.046300001442432404f, -0.0012000002898275852f, -0.0299999937415123f, 0.037999995052814484f, -0.00349999638274312f, 0.07199999690055847f},
        "adam_amsgrad", 3, "exp_avg_sq", new float[] {0.08375000208616257f, 0.10062500089406967f, 0.05687500536441803f, 0.4300000071525574f, 0.39250001311302185f, 0.05874999985098839f, 0.41499999165534973f},
        "adam_amsgrad", 3, "max_exp_avg_sq", new float[] {0.1274999976158142f, 0.10062500089406967f, 0.05687500536441803f, 0.5f, 0.5f, 0.125f, 0.41499999165534973f},
        "adam_skip", 1, "exp_avg", new float[] {0.010000000707805157f, -0.020000001415610313f, 0.030000001192092896f, 0.0f},
        "adam_skip", 1, "exp_avg_sq", new float[] {1.0000000656873453e-05f, 4.0000002627493814e-05f, 9.000000864034519e-05f, 0.0f},
        "adam_skip", 2, "exp_avg", new float[] {-0.04100000113248825f, 0.006999999284744263f, 0.03200000151991844f, -0.10000000149011612f, 0.030000001192092896f, 0.030000001192092896f, -0.020000001415610313f},
        "adam_skip", 2, "exp_avg_sq", new float[] {0.0002599900180939585f, 0.00010246000601910055f, 9.241000952897593e-05f, 0.0010000000474974513f, 9.000000864034519e-05f, 9.000000864034519e-05f, 4.0000002627493814e-05f},
        "adam_skip", 3, "exp_avg", new float[] {-0.016899997368454933f, 0.046300001442432404f, -0.0012000002898275852f, -0.0299999937415123f, -0.0429999977350235f, 0.03700000047683716f, 0.07199999690055847f},
        "adam_skip", 3, "exp_avg_sq", new float[] {0.00029973004711791873f, 0.00026235755649395287f, 0.00018231759895570576f, 0.0013590001035481691f, 0.000579910003580153f, 9.991001570597291e-05f, 0.0008499600226059556f},
        "adamw", 1, "exp_avg", new float[] {0.010000000707805157f, -0.020000001415610313f, 0.030000001192092896f, 0.0f, 0.10000000149011612f, -0.05000000074505806f, 0.0f},
        "adamw", 1, "exp_avg_sq", new float[] {1.0000000656873453e-05f, 4.0000002627493814e-05f, 9.000000864034519e-05f, 0.0f, 0.0010000000474974513f, 0.0002500000118743628f, 0.0f},
        "adamw", 2, "exp_avg", new float[] {-0.04100000113248825f, 0.006999999284744263f, 0.03200000151991844f, -0.10000000149011612f, 0.11999999731779099f, -0.01499999687075615f, -0.020000001415610313f},
        "adamw", 2, "exp_avg_sq", new float[] {0.0002599900180939585f, 0.00010246000601910055f, 9.241000952897593e-05f, 0.0010000000474974513f, 0.0010890000266954303f, 0.0003397500258870423f, 4.0000002627493814e-05f},
        "adamw", 3, "exp_avg", new float[] {-0.016899997368454933f, 0.046300001442432404f, -0.0012000002898275852f, -0.0299999937415123f, 0.037999995052814484f, -0.00349999638274312f, 0.07199999690055847f},
        "adamw", 3, "exp_avg_sq", new float[] {0.00029973004711791873f, 0.00026235755649395287f, 0.00018231759895570576f, 0.0013590001035481691f, 0.001577911083586514f, 0.0003494102566037327f, 0.0008499600226059556f},
        "adamw_amsgrad", 1, "exp_avg", new float[] {0.010000000707805157f, -0.020000001415610313f, 0.030000001192092896f, 0.0f, 0.10000000149011612f, -0.05000000074505806f, 0.0f},
        "adamw_amsgrad", 1, "exp_avg_sq", new float[] {0.005000000353902578f, 0.020000001415610313f, 0.04500000178813934f, 0.0f, 0.5f, 0.125f, 0.0f},
        "adamw_amsgrad", 1, "max_exp_avg_sq", new float[] {0.005000000353902578f, 0.020000001415610313f, 0.04500000178813934f, 0.0f, 0.5f, 0.125f, 0.0f},
        "adamw_amsgrad", 2, "exp_avg", new float[] {-0.04100000113248825f, 0.006999999284744263f, 0.03200000151991844f, -0.10000000149011612f, 0.11999999731779099f, -0.01499999687075615f, -0.020000001415610313f},
        "adamw_amsgrad", 2, "exp_avg_sq", new float[] {0.1274999976158142f, 0.04125000163912773f, 0.023750001564621925f, 0.5f, 0.29500001668930054f, 0.10750000178813934f, 0.020000001415610313f},
        "adamw_amsgrad", 2, "max_exp_avg_sq", new float[] {0.1274999976158142f, 0.04125000163912773f, 0.04500000178813934f, 0.5f, 0.5f, 0.125f, 0.020000001415610313f},
        "adamw_amsgrad", 3, "exp_avg", new float[] {-0.016899997368454933f, 0.046300001442432404f, -0.0012000002898275852f, -0.0299999937415123f, 0.037999995052814484f, -0.00349999638274312f, 0.07199999690055847f},
        "adamw_amsgrad", 3, "exp_avg_sq", new float[] {0.08375000208616257f, 0.10062500089406967f, 0.05687500536441803f, 0.4300000071525574f, 0.39250001311302185f, 0.05874999985098839f, 0.41499999165534973f},
        "adamw_amsgrad", 3, "max_exp_avg_sq", new float[] {0.1274999976158142f, 0.10062500089406967f, 0.05687500536441803f, 0.5f, 0.5f, 0.125f, 0.41499999165534973f},
        "rmsprop_plain", 1, "square_avg", new float[] {0.00010000000474974513f, 0.0004000000189989805f, 0.0009000000427477062f, 0.0f, 0.009999999776482582f, 0.0024999999441206455f, 0.0f},
        "rmsprop_plain", 2, "square_avg", new float[] {0.002598999999463558f, 0.0010209999745711684f, 0.0009160000481642783f, 0.009999999776482582f, 0.01080000028014183f, 0.003375000087544322f, 0.0004000000189989805f},
        "rmsprop_plain", 3, "square_avg", new float[] {0.002973010065034032f, 0.002610790077596903f, 0.0018068401841446757f, 0.013500000350177288f, 0.01559200044721365f, 0.0034412501845508814f, 0.008495999500155449f},
        "rmsprop_centered_momentum_wd", 1, "square_avg", new float[] {0.004000000189989805f, 0.01600000075995922f, 0.012250002473592758f, 0.009000000543892384f, 0.10506249964237213f, 0.03306249901652336f, 0.002250000135973096f},
        "rmsprop_centered_momentum_wd", 1, "momentum_buffer", new float[] {3.333277702331543f, -3.333305597305298f, 3.333301544189453f, 3.333296298980713f, 3.333322286605835f, -3.3333139419555664f, 3.333259344100952f},
        "rmsprop_centered_momentum_wd", 1, "grad_avg", new float[] {0.020000001415610313f, -0.04000000283122063f, 0.03500000387430191f, 0.030000001192092896f, 0.10249999910593033f, -0.057500001043081284f, 0.015000000596046448f},
        "rmsprop_centered_momentum_wd", 2, "square_avg", new float[] {0.019867772236466408f, 0.014684445224702358f, 0.011959447525441647f, 0.0575677752494812f, 0.1049031987786293f, 0.03496985882520676f, 0.002309443661943078f},
        "rmsprop_centered_momentum_wd", 2, "momentum_buffer", new float[] {-1.2314212322235107f, -1.2117295265197754f, 2.620760679244995f, -1.3137257099151611f, 2.7423293590545654f, -0.4307795763015747f, 0.540473461151123f},
        "rmsprop_centered_momentum_wd", 2, "grad_avg", new float[] {-0.022333327680826187f, -0.030666671693325043f, 0.041166674345731735f, -0.04333333298563957f, 0.12441666424274445f, -0.02891666814684868f, 0.00816667452454567f},
        "rmsprop_centered_momentum_wd", 3, "square_avg", new float[] {0.026755325496196747f, 0.017399867996573448f, 0.01731475070118904f, 0.13244788348674774f, 0.14079928398132324f, 0.03155561164021492f, 0.11151651293039322f},
        "rmsprop_centered_momentum_wd", 3, "momentum_buffer", new float[] {1.2087033987045288f, 0.9470614194869995f, -0.6421706676483154f, 1.8349508047103882f, -0.4564398527145386f, -0.05207367241382599f, 3.5953545570373535f},
        "rmsprop_centered_momentum_wd", 3, "grad_avg", new float[] {0.009689820930361748f, -0.007145499344915152f, 0.011454598978161812f, 0.05079805105924606f, 0.04386742785573006f, -0.023148590698838234f, 0.11196263134479523f},
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
            assertStateMatches(name, k + 1, opt.stateDict());
        }
        assertEquals(3, opt.stepCount());
    }

    /**
     * Every buffer torch holds after {@code step} equals ours to within a few float roundings (fused multiply-adds
     * and operation order differ; a coefficient formed from a float32 hyper-parameter, such as 1 - 0.999f, would be
     * 1.3e-5 off), and we hold no buffer torch does not.
     */
    static void assertStateMatches(String name, int step, Map<String, Tensor> state) {
        Set<String> expectedKeys = new TreeSet<>();
        for (int i = 0; i < TORCH_STATE.length; i += 4) {
            if (!TORCH_STATE[i].equals(name) || (int) TORCH_STATE[i + 1] != step) continue;
            String buffer = (String) TORCH_STATE[i + 2];
            float[] expected = (float[]) TORCH_STATE[i + 3];
            String what = name + " step " + step + " " + buffer;
            expectedKeys.add("0." + buffer);
            float[] a = state.get("0." + buffer).toFloatArray();
            float[] got = a;
            if (expected.length > a.length) {
                expectedKeys.add("1." + buffer);
                float[] b = state.get("1." + buffer).toFloatArray();
                got = Arrays.copyOf(a, a.length + b.length);
                System.arraycopy(b, 0, got, a.length, b.length);
            }
            // relative to the buffer's scale too: an update such as 0.9 * 0.32 - 0.3 cancels, and the fused and
            // unfused forms then differ by an ulp of the terms (~8 ulps of the largest element allowed)
            double scale = 0;
            for (float e : expected) scale = Math.max(scale, Math.abs(e));
            assertClose(expected, got, 1e-6, 1e-6 * scale, what);
        }
        Set<String> ours = new TreeSet<>(state.keySet());
        ours.removeIf(k -> k.endsWith("step"));
        assertEquals(expectedKeys, ours, name + " step " + step + ": the buffers torch holds");
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
