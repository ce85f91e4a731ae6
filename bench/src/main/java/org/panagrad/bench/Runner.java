package org.panagrad.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Statistics;
import org.panagrad.Backend;
import org.panagrad.Panagrad;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * panagrad's benchmark runner ({@code ./panagrad.sh bench}): runs the JMH suite of this module on both backends,
 * the C harness ({@code bench/c/gemm_bench}, OpenBLAS called directly) and the PyTorch harness
 * ({@code bench/python/torch_bench.py}) with the same thread count, then prints one comparison table, the
 * conditions of the run and which performance targets were met. Writes {@code results.json}, {@code table.txt},
 * {@code ratios.png} and the raw JMH output to the output directory.
 *
 * <pre>{@code
 * java --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector \
 *      -cp bench/target/benchmarks.jar org.panagrad.bench.Runner --quick --threads 1
 * }</pre>
 *
 * <p>A benchmark that fails (e.g. a backend that cannot load) shows as missing in the table; the run goes on.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmarks: native (FFM + C/OpenBLAS) vs pure Java vs OpenBLAS from C vs PyTorch, one table.")
public final class Runner implements Callable<Integer> {

    @Option(names = "--quick", description = "Fewer shapes, short warm-up and measurement (under ~10 minutes on 2 cores).")
    boolean quick;

    @Option(names = "--threads", defaultValue = "1", description = "Threads for panagrad, OpenBLAS (C harness) and torch alike (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--out", description = "Output directory (default: bench/results/<timestamp>).")
    Path out;

    @Option(names = "--no-torch", description = "Skip the PyTorch harness.")
    boolean noTorch;

    @Option(names = "--only", description = "Regular expression over benchmark class names (e.g. 'Gemm|TrainStep'); default all.")
    String only;

    @Option(names = "--backends", split = ",", defaultValue = "native,java", description = "Backends to benchmark (default: ${DEFAULT-VALUE}).")
    List<String> backends;

    @Option(names = "--c-harness", description = "The C harness binary (default: build/bench/c/gemm_bench).")
    Path cHarness;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "Python with torch (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--torch-script", defaultValue = "bench/python/torch_bench.py", description = "The PyTorch harness (default: ${DEFAULT-VALUE}).")
    Path torchScript;

    /** Median and spread of one measurement, in microseconds. */
    record Stat(double median, double p10, double p90, long n) {
        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("median_us", median);
            m.put("p10_us", p10);
            m.put("p90_us", p90);
            m.put("n", n);
            return m;
        }
    }

    /**
     * One JMH benchmark class: the parameter values {@code --quick} narrows it to, and the pattern of the table
     * rows it produces (see {@link #rowKey}).
     */
    record Group(String clazz, Map<String, String[]> quickParams, Pattern rows) {}

    private static final List<Group> GROUPS = List.of(
            new Group("TrainStepBench", Map.of(), Pattern.compile("train_step_.*")),
            new Group("GemmBench", Map.of("shape", new String[] {"128x128x128", "256x256x256", "512x512x512",
                    "mlp1_fwd_b64", "mlp1_dx_b64", "mlp1_dw_b64", "mlp2_fwd_b64", "mlp2_dx_b64", "mlp2_dw_b64",
                    "mlp3_fwd_b64", "mlp3_dx_b64", "mlp3_dw_b64"}), Pattern.compile("gemm_.*")),
            new Group("ElementwiseBench", Map.of("n", new String[] {"1000", "1000000"}), Pattern.compile("elementwise_.*")),
            new Group("SoftmaxBench", Map.of(), Pattern.compile("(log_)?softmax_.*")),
            new Group("CrossEntropyBench", Map.of(), Pattern.compile("cross_entropy_.*")),
            new Group("OptimBench", Map.of(), Pattern.compile("optim_.*")),
            new Group("TapeBench", Map.of(), Pattern.compile("autograd_mul_4")));

    private final Map<String, Map<String, Stat>> jmh = new LinkedHashMap<>(); // row -> backend -> stat
    private final Map<String, Stat> c = new LinkedHashMap<>();
    private final Map<String, Stat> torch = new LinkedHashMap<>();
    private final List<Map<String, Object>> memory = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final Map<String, Object> conditions = new LinkedHashMap<>();
    private final Map<String, String> notes = new LinkedHashMap<>();

    /** Command-line entry point; see {@code --help}. */
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.exit(new CommandLine(new Runner()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        CommandLine cl = new CommandLine(this);
        if (threads < 1) throw new CommandLine.ParameterException(cl, "--threads must be >= 1, got " + threads);
        for (String b : backends) {
            if (!b.equals("native") && !b.equals("java")) {
                throw new CommandLine.ParameterException(cl, "--backends: unknown backend '" + b + "' (use native, java or native,java)");
            }
        }
        if (only != null) {
            try {
                Pattern.compile(only);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new CommandLine.ParameterException(cl, "--only: not a regular expression: " + e.getDescription() + " in '" + only + "'");
            }
        }
        long started = System.nanoTime();
        if (out == null) {
            out = Path.of("bench", "results", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        Files.createDirectories(out);
        conditions.put("date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        conditions.put("mode", quick ? "quick" : "full");
        conditions.put("threads", threads);
        conditions.put("cpu", cpuModel());
        conditions.put("cores", Runtime.getRuntime().availableProcessors());
        conditions.put("openblas", blasInfo());
        conditions.put("jdk", System.getProperty("java.vm.name") + " " + Runtime.version());
        conditions.put("loadavg_before", loadAverage());

        runC();
        runTorch();
        runJmh();

        conditions.put("loadavg_after", loadAverage());
        conditions.put("elapsed_s", Math.round((System.nanoTime() - started) / 1e9));
        double load = Math.max(firstLoad(conditions.get("loadavg_before")), firstLoad(conditions.get("loadavg_after")));
        int cores = Runtime.getRuntime().availableProcessors();
        if (load > 0.5 * cores) {
            notes.put("load", fmt("1-minute load average reached %.2f on %d cores: other processes competed for the CPU, "
                    + "so medians (and ratios between harnesses run at different moments) are noisy; p10 is the steadier figure", load, cores));
        }
        report();
        return 0;
    }

    // ---- C harness --------------------------------------------------------------------------------

    private void runC() {
        Path bin = cHarness != null ? cHarness : inRepository(Path.of("build", "bench", "c", "gemm_bench"));
        if (!Files.isExecutable(bin)) {
            String msg = "C harness not found at " + bin + ": build it with `cmake -S . -B build && cmake --build build` "
                    + "(or pass --c-harness PATH); C columns stay empty";
            System.err.println("bench: " + msg);
            notes.put("c", msg);
            return;
        }
        System.err.println("bench: C harness (cblas_sgemm), " + threads + " thread(s)");
        List<String> cmd = new ArrayList<>(List.of(bin.toString(), "--threads", Integer.toString(threads)));
        if (quick) cmd.add("--quick");
        try {
            JsonNode doc = runJsonProcess(cmd, Map.of("OPENBLAS_NUM_THREADS", Integer.toString(threads)), Duration.ofMinutes(10));
            conditions.put("c_openblas", doc.path("openblas").asText());
            for (JsonNode r : doc.path("results")) {
                c.put(r.path("name").asText(), new Stat(r.path("median_us").asDouble(), r.path("p10_us").asDouble(),
                        r.path("p90_us").asDouble(), r.path("samples").asLong()));
            }
        } catch (Exception e) {
            String msg = "C harness failed: " + e.getMessage();
            System.err.println("bench: " + msg);
            notes.put("c", msg);
        }
    }

    // ---- PyTorch harness --------------------------------------------------------------------------

    private void runTorch() {
        torchScript = inRepository(torchScript);
        if (noTorch) {
            notes.put("torch", "skipped (--no-torch)");
            return;
        }
        if (!Files.isRegularFile(torchScript)) {
            notes.put("torch", "skipped: " + torchScript + " not found (run from the repository root)");
            System.err.println("bench: torch " + notes.get("torch"));
            return;
        }
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                notes.put("torch", "skipped: `" + python + " -c 'import torch'` failed (PyTorch not installed for that Python)");
                System.err.println("bench: torch " + notes.get("torch"));
                return;
            }
        } catch (IOException | InterruptedException e) {
            notes.put("torch", "skipped: cannot run " + python + " (" + e.getMessage() + ")");
            System.err.println("bench: torch " + notes.get("torch"));
            return;
        }
        System.err.println("bench: PyTorch harness, " + threads + " thread(s)");
        List<String> cmd = new ArrayList<>(List.of(python, torchScript.toString(), "--threads", Integer.toString(threads)));
        if (quick) cmd.add("--quick");
        try {
            JsonNode doc = runJsonProcess(cmd, Map.of(), Duration.ofMinutes(quick ? 5 : 30));
            conditions.put("torch", doc.path("torch").asText());
            for (JsonNode r : doc.path("results")) {
                double med = r.path("median_us").asDouble();
                torch.put(r.path("name").asText(), new Stat(med, r.path("p10_us").asDouble(r.path("p25_us").asDouble(med)),
                        r.path("p90_us").asDouble(r.path("p75_us").asDouble(med)), r.path("n").asLong()));
            }
        } catch (Exception e) {
            notes.put("torch", "PyTorch harness failed: " + e.getMessage());
            System.err.println("bench: " + notes.get("torch"));
        }
    }

    /** Runs a command whose stdout is one JSON document; its stderr (progress) goes to ours. */
    private static JsonNode runJsonProcess(List<String> cmd, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        Process p = pb.start();
        byte[][] stdout = new byte[1][];
        Thread reader = Thread.ofPlatform().start(() -> {
            try (InputStream in = p.getInputStream()) {
                stdout[0] = in.readAllBytes();
            } catch (IOException e) {
                stdout[0] = new byte[0];
            }
        });
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", cmd) + ": timed out after " + timeout.toMinutes() + " min");
        }
        reader.join();
        if (p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + ": exit code " + p.exitValue());
        return new ObjectMapper().readTree(stdout[0]);
    }

    // ---- JMH -------------------------------------------------------------------------------------

    private void runJmh() throws IOException {
        Path jmhDir = Files.createDirectories(out.resolve("jmh"));
        Path statsFile = jmhDir.resolve("memory.jsonl");
        Files.deleteIfExists(statsFile);
        List<String> jvmArgs = new ArrayList<>(List.of(jvmFlags()));
        // JMH itself still calls sun.misc.Unsafe; JDK 25 would print a deprecation warning in every fork.
        jvmArgs.add("--sun-misc-unsafe-memory-access=allow");
        jvmArgs.addAll(List.of("-Xmx2g", "-Dpanagrad.threads=" + threads, "-Dpanagrad.bench.statsFile=" + statsFile.toAbsolutePath(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
        Pattern filter = only == null ? null : Pattern.compile(only);
        Path log = jmhDir.resolve("jmh.log");
        try (OutputStream logFile = Files.newOutputStream(log);
             PrintStream jmhOut = new PrintStream(new ProgressTee(logFile), true, StandardCharsets.UTF_8)) {
            for (Group g : GROUPS) {
                if (filter != null && !filter.matcher(g.clazz()).find()) continue;
                System.err.println("bench: JMH " + g.clazz() + " (" + String.join(", ", backends) + ")");
                ChainedOptionsBuilder ob = new OptionsBuilder()
                        .include("^" + Pattern.quote("org.panagrad.bench." + g.clazz() + "."))
                        .forks(1)
                        .warmupIterations(quick ? 3 : 5)
                        .warmupTime(quick ? TimeValue.milliseconds(300) : TimeValue.seconds(1))
                        .measurementIterations(quick ? 3 : 5)
                        .measurementTime(quick ? TimeValue.milliseconds(400) : TimeValue.seconds(1))
                        .jvmArgs(jvmArgs.toArray(String[]::new))
                        .shouldFailOnError(false)
                        .timeout(TimeValue.minutes(2))
                        .result(jmhDir.resolve(g.clazz() + ".json").toString())
                        .resultFormat(ResultFormatType.JSON)
                        .param("backend", backends.toArray(String[]::new));
                if (quick) g.quickParams().forEach(ob::param);
                try {
                    Collection<RunResult> results = new org.openjdk.jmh.runner.Runner(ob.build(),
                            OutputFormatFactory.createFormatInstance(jmhOut, VerboseMode.NORMAL)).run();
                    for (RunResult rr : results) {
                        BenchmarkParams bp = rr.getParams();
                        Statistics s = rr.getPrimaryResult().getStatistics();
                        jmh.computeIfAbsent(rowKey(bp.getBenchmark(), bp::getParam), k -> new LinkedHashMap<>()).put(bp.getParam("backend"),
                                new Stat(s.getPercentile(50), s.getPercentile(10), s.getPercentile(90), s.getN()));
                    }
                } catch (Exception e) {
                    failures.add(g.clazz() + ": " + e);
                    System.err.println("bench: JMH " + g.clazz() + " failed: " + e);
                }
            }
        }
        if (Files.exists(statsFile)) {
            ObjectMapper om = new ObjectMapper();
            for (String line : Files.readAllLines(statsFile)) {
                if (line.isBlank()) continue;
                @SuppressWarnings("unchecked")
                Map<String, Object> m = om.readValue(line, LinkedHashMap.class);
                memory.add(m);
            }
        }
        failures.addAll(0, ProgressTee.failures);
    }

    /** The table row a JMH result belongs to; the names the C and PyTorch harnesses use. */
    static String rowKey(String bench, java.util.function.UnaryOperator<String> param) {
        String cls = bench.substring(0, bench.lastIndexOf('.'));
        cls = cls.substring(cls.lastIndexOf('.') + 1);
        String method = bench.substring(bench.lastIndexOf('.') + 1);
        return switch (cls + "." + method) {
            case "GemmBench.gemm" -> "gemm_" + param.apply("shape");
            case "ElementwiseBench.forwardBackward" -> "elementwise_" + param.apply("op") + "_" + param.apply("n");
            case "SoftmaxBench.softmax" -> "softmax_" + param.apply("shape");
            case "SoftmaxBench.logSoftmax" -> "log_softmax_" + param.apply("shape");
            case "CrossEntropyBench.crossEntropy" -> "cross_entropy_" + param.apply("shape");
            case "OptimBench.adam" -> "optim_adam_mlp";
            case "OptimBench.sgdMomentum" -> "optim_sgd_momentum_mlp";
            case "TapeBench.mulBackward" -> "autograd_mul_4";
            case "TrainStepBench.step" -> "train_step_mlp_b" + param.apply("batch");
            default -> cls + "." + method;
        };
    }

    /** Every row the suite should produce in this mode, in table order. */
    private List<String> expectedRows() {
        List<String> rows = new ArrayList<>(List.of("train_step_mlp_b64", "train_step_mlp_b256"));
        for (String s : GemmShapes.ALL.keySet()) {
            if (!quick || List.of(GROUPS.get(1).quickParams().get("shape")).contains(s)) rows.add("gemm_" + s);
        }
        for (String n : quick ? new String[] {"1000", "1000000"} : new String[] {"1000", "100000", "1000000"}) {
            for (String op : new String[] {"add", "mul", "relu", "sigmoid"}) rows.add("elementwise_" + op + "_" + n);
        }
        for (String s : new String[] {"256x10", "4096x1000"}) {
            rows.add("softmax_" + s);
            rows.add("log_softmax_" + s);
        }
        rows.addAll(List.of("cross_entropy_64x10", "cross_entropy_256x10", "optim_adam_mlp", "optim_sgd_momentum_mlp", "autograd_mul_4"));
        Pattern filter = only == null ? null : Pattern.compile(only);
        rows.removeIf(r -> GROUPS.stream().noneMatch(g -> g.rows().matcher(r).matches()
                && (filter == null || filter.matcher(g.clazz()).find())));
        return rows;
    }

    // ---- report ----------------------------------------------------------------------------------

    private void report() throws IOException {
        List<String> expected = expectedRows();
        LinkedHashSet<String> rowSet = new LinkedHashSet<>(expected);
        rowSet.addAll(jmh.keySet());
        rowSet.addAll(c.keySet());
        rowSet.addAll(torch.keySet());
        List<String> rows = new ArrayList<>(rowSet);

        List<Map<String, Object>> jsonRows = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        StringBuilder table = new StringBuilder();
        String fmt = "%-27s %-24s %-24s %8s %-24s %7s %-24s %8s%n";
        table.append(String.format(Locale.ROOT, fmt, "benchmark", "native us [p10-p90]", "java us [p10-p90]", "java/nat",
                "C us [p10-p90]", "FFM/C", "torch us [p10-p90]", "nat/torch"));
        table.append("-".repeat(27 + 24 * 4 + 8 * 2 + 7 + 7)).append('\n');
        for (String row : rows) {
            Map<String, Stat> byBackend = jmh.getOrDefault(row, Map.of());
            Stat nat = byBackend.get("native"), jav = byBackend.get("java"), cs = c.get(row), ts = torch.get(row);
            boolean jmhRow = expected.contains(row);
            for (String b : backends) {
                if (jmhRow && !byBackend.containsKey(b)) missing.add(row + " [" + b + "]");
            }
            table.append(String.format(Locale.ROOT, fmt, row,
                    cell(nat, jmhRow && backends.contains("native")), cell(jav, jmhRow && backends.contains("java")),
                    ratio(jav, nat), cell(cs, row.startsWith("gemm_") && !c.isEmpty()), ratio(nat, cs), cell(ts, !torch.isEmpty()), ratio(nat, ts)));
            Map<String, Object> jr = new LinkedHashMap<>();
            jr.put("name", row);
            if (nat != null) jr.put("native", nat.toJson());
            if (jav != null) jr.put("java", jav.toJson());
            if (cs != null) jr.put("c", cs.toJson());
            if (ts != null) jr.put("torch", ts.toJson());
            putRatio(jr, "java_over_native", jav, nat);
            putRatio(jr, "ffm_over_c", nat, cs);
            putRatio(jr, "native_over_torch", nat, ts);
            if (row.startsWith("gemm_") && GemmShapes.ALL.containsKey(row.substring(5))) {
                double flops = GemmShapes.get(row.substring(5)).flops();
                if (nat != null) jr.put("native_gflops", flops / nat.median() / 1e3);
                if (jav != null) jr.put("java_gflops", flops / jav.median() / 1e3);
                if (cs != null) jr.put("c_gflops", flops / cs.median() / 1e3);
            }
            jsonRows.add(jr);
        }
        table.append("(medians of per-call times in microseconds, [p10-p90]; ratios are of medians; '-' = not measured, "
                + "'missing' = benchmark failed, see jmh/jmh.log; torch samples are means of ~2 ms batches)\n");

        StringBuilder cond = new StringBuilder("\nConditions\n");
        conditions.forEach((k, v) -> cond.append(String.format(Locale.ROOT, "  %-15s %s%n", k, v)));
        notes.forEach((k, v) -> cond.append(String.format(Locale.ROOT, "  %-15s %s%n", "note (" + k + ")", v)));
        for (Map<String, Object> m : memory) {
            cond.append(String.format(Locale.ROOT, "  %-15s %s %s: %s fresh native allocations in %s measured steps (%s fresh / %s reused over the whole trial)%n",
                    "memory", m.get("benchmark"), m.get("backend"), m.get("freshAllocationsDuringMeasurement"), m.get("measuredSteps"),
                    m.get("freshAllocationsTrial"), m.get("reusedAllocationsTrial")));
        }

        List<Map<String, Object>> targets = targets();
        StringBuilder tgt = new StringBuilder("\nTargets\n");
        for (Map<String, Object> t : targets) {
            tgt.append(String.format(Locale.ROOT, "  %-8s %-52s %s%n", t.get("status"), t.get("target"), t.get("value")));
        }
        if (!missing.isEmpty()) {
            tgt.append("\nMissing (").append(missing.size()).append("): ").append(summarizeMissing(missing)).append('\n');
        }
        // One line per distinct reason: a backend that cannot load fails every benchmark the same way.
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        for (String f : failures) {
            int sep = f.indexOf("): ");
            String what = sep < 0 ? f : f.substring(0, sep + 1), why = sep < 0 ? "" : f.substring(sep + 3);
            byReason.computeIfAbsent(why, k -> new ArrayList<>()).add(what);
        }
        byReason.forEach((why, what) -> tgt.append("  failed: ").append(what.size() <= 3 ? String.join(", ", what)
                : what.size() + " benchmarks (" + what.get(0) + ", ...)").append(why.isEmpty() ? "" : ": " + why).append('\n'));

        String text = table + cond.toString() + tgt;
        System.out.println();
        System.out.print(text);
        Files.writeString(out.resolve("table.txt"), text);

        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("conditions", conditions);
        doc.put("notes", notes);
        doc.put("rows", jsonRows);
        doc.put("targets", targets);
        doc.put("memory", memory);
        doc.put("missing", missing);
        doc.put("failures", failures);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("results.json").toFile(), doc);
        String chart = ", ";
        try {
            Chart.write(out.resolve("ratios.png"), rows, jmh, c, torch);
            chart = ", " + out.resolve("ratios.png") + ", ";
        } catch (Exception | LinkageError e) {
            System.err.println("bench: chart not written: " + e.getMessage());
        }
        System.out.println("\nWritten: " + out.resolve("results.json") + ", " + out.resolve("table.txt") + chart
                + "raw JMH output in " + out.resolve("jmh"));
    }

    private List<Map<String, Object>> targets() {
        List<Map<String, Object>> t = new ArrayList<>();
        for (Object[] step : new Object[][] {{"64", 0.5}, {"256", 0.7}}) {
            String row = "train_step_mlp_b" + step[0];
            double limit = (double) step[1];
            Stat nat = stat(row, "native"), ts = torch.get(row);
            target(t, "MLP step b" + step[0] + ": native <= " + limit + "x torch",
                    nat == null || ts == null ? null : nat.median() / ts.median() <= limit,
                    nat == null || ts == null ? "not measured" : fmt("native %.1f us / torch %.1f us = %.2fx", nat.median(), ts.median(), nat.median() / ts.median()));
        }
        double worst = Double.POSITIVE_INFINITY, worstP10 = Double.POSITIVE_INFINITY;
        String worstRow = null;
        List<String> below = new ArrayList<>();
        int compared = 0;
        for (var e : jmh.entrySet()) {
            Stat nat = e.getValue().get("native"), cs = c.get(e.getKey());
            if (!e.getKey().startsWith("gemm_") || nat == null || cs == null) continue;
            compared++;
            double eff = cs.median() / nat.median();
            worstP10 = Math.min(worstP10, cs.p10() / nat.p10());
            if (eff < worst) {
                worst = eff;
                worstRow = e.getKey();
            }
            if (eff < 0.95) below.add(e.getKey().substring(5) + fmt(" %.0f%%", 100 * eff));
        }
        target(t, "FFM GEMM >= 95% of C at every shape", compared == 0 ? null : below.isEmpty(),
                compared == 0 ? "not measured" : fmt("worst %.1f%% of C (%s) over %d shapes [by p10: worst %.1f%%]",
                        100 * worst, worstRow, compared, 100 * worstP10)
                        + (below.isEmpty() ? "" : "; below: " + String.join(", ", below)));
        List<String> tape = new ArrayList<>();
        Boolean tapeMet = null;
        for (String b : backends) {
            Stat s = stat("autograd_mul_4", b);
            if (s == null) continue;
            tape.add(fmt("%s %.2f us", b, s.median()));
            tapeMet = (tapeMet == null || tapeMet) && s.median() <= 1.0;
        }
        target(t, "recorded small op + backward <= 1 us", tapeMet, tape.isEmpty() ? "not measured" : String.join(", ", tape));
        Stat j512 = stat("gemm_512x512x512", "java");
        double gf = j512 == null ? 0 : GemmShapes.get("512x512x512").flops() / j512.median() / 1e3;
        target(t, "Java GEMM >= 15 GFLOP/s at 512^3", j512 == null ? null : gf >= 15,
                j512 == null ? "not measured (no java results)" : fmt("%.1f GFLOP/s", gf));
        double worstEw = 0;
        String worstEwRow = null;
        for (var e : jmh.entrySet()) {
            Stat nat = e.getValue().get("native"), jav = e.getValue().get("java");
            if (!e.getKey().startsWith("elementwise_") || nat == null || jav == null) continue;
            double r = jav.median() / nat.median();
            if (r > worstEw) {
                worstEw = r;
                worstEwRow = e.getKey();
            }
        }
        target(t, "elementwise Java within 1.5x native", worstEwRow == null ? null : worstEw <= 1.5,
                worstEwRow == null ? "not measured (no java results)" : fmt("worst java/native %.2fx (%s)", worstEw, worstEwRow));
        List<String> mem = new ArrayList<>();
        Boolean memMet = null;
        for (Map<String, Object> m : memory) {
            long fresh = ((Number) m.get("freshAllocationsDuringMeasurement")).longValue();
            long steps = ((Number) m.get("measuredSteps")).longValue();
            mem.add(fmt("%s %s: %d in %d steps", m.get("benchmark"), m.get("backend"), fresh, steps));
            memMet = (memMet == null || memMet) && fresh == 0 && steps > 0;
        }
        target(t, "fresh native allocations per step = 0", memMet, mem.isEmpty() ? "not measured" : String.join("; ", mem));
        return t;
    }

    private static void target(List<Map<String, Object>> list, String name, Boolean met, String value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", name);
        m.put("status", met == null ? "n/a" : met ? "met" : "MISSED");
        m.put("met", met);
        m.put("value", value);
        list.add(m);
    }

    private Stat stat(String row, String backend) {
        return jmh.getOrDefault(row, Map.of()).get(backend);
    }

    private static String summarizeMissing(List<String> missing) {
        Map<String, Integer> perBackend = new LinkedHashMap<>();
        for (String m : missing) perBackend.merge(m.substring(m.lastIndexOf('[')), 1, Integer::sum);
        if (missing.size() <= 8) return String.join(", ", missing);
        StringBuilder sb = new StringBuilder();
        perBackend.forEach((b, n) -> sb.append(n).append(" rows on ").append(b).append(' '));
        return sb.append("(all listed in results.json; reasons in jmh/jmh.log)").toString();
    }

    private static String cell(Stat s, boolean expected) {
        if (s == null) return expected ? "missing" : "-";
        return fmtNum(s.median()) + " [" + fmtNum(s.p10()) + "-" + fmtNum(s.p90()) + "]";
    }

    private static String ratio(Stat num, Stat den) {
        return num == null || den == null ? "-" : fmt("%.2f", num.median() / den.median());
    }

    private static void putRatio(Map<String, Object> m, String key, Stat num, Stat den) {
        if (num != null && den != null) m.put(key, num.median() / den.median());
    }

    private static String fmtNum(double v) {
        if (v >= 1000) return fmt("%.0f", v);
        if (v >= 100) return fmt("%.1f", v);
        if (v >= 1) return fmt("%.2f", v);
        return fmt("%.3f", v);
    }

    private static String fmt(String f, Object... args) {
        return String.format(Locale.ROOT, f, args);
    }

    // ---- conditions ------------------------------------------------------------------------------

    /**
     * {@code relative} as given when it exists from the working directory, else resolved against the repository
     * holding this jar ({@code <repo>/bench/target/benchmarks.jar}), so the runner also works from elsewhere.
     */
    static Path inRepository(Path relative) {
        if (relative.isAbsolute() || Files.exists(relative)) return relative;
        try {
            Path jar = Path.of(Runner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path repo = jar.getParent() == null ? null : jar.getParent().getParent();
            if (repo != null) repo = repo.getParent();
            if (repo != null && Files.exists(repo.resolve(relative))) return repo.resolve(relative);
        } catch (Exception ignored) {
            // no code source (e.g. a custom class loader): keep the path as given
        }
        return relative;
    }

    /** The JVM flags of the root pom's {@code panagrad.jvm.flags}, filtered into this module's resources. */
    static String[] jvmFlags() {
        try (InputStream in = Runner.class.getResourceAsStream("/panagrad-bench.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String flags = p.getProperty("jvm.flags", "").trim();
                if (!flags.isEmpty() && !flags.contains("${")) return flags.split("\\s+");
            }
        } catch (IOException ignored) {
            // fall back to the same flags, compiled in
        }
        return BenchSupport.JVM_FLAGS.clone();
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) return line.substring(line.indexOf(':') + 1).trim();
            }
        } catch (IOException ignored) {
            // not Linux
        }
        return System.getProperty("os.arch") + " (no /proc/cpuinfo)";
    }

    private static double firstLoad(Object loadavg) {
        try {
            return Double.parseDouble(String.valueOf(loadavg).split(" ")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String blasInfo() {
        try {
            return Panagrad.kernels(Backend.NATIVE).runtimeBlasInfo();
        } catch (RuntimeException | LinkageError e) {
            return "native backend unavailable: " + e.getMessage();
        }
    }

    /**
     * JMH's human-readable output: all of it to the log file, and a short progress line per benchmark to stderr;
     * collects the first line of each failure.
     */
    static final class ProgressTee extends OutputStream {
        static final List<String> failures = new ArrayList<>();
        private final OutputStream log;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        private String benchmark = "";
        private String params = "";
        private boolean inFailure;

        ProgressTee(OutputStream log) {
            this.log = log;
        }

        @Override
        public void write(int b) throws IOException {
            log.write(b);
            if (b == '\n') {
                handle(line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }

        @Override
        public void flush() throws IOException {
            log.flush();
        }

        private void handle(String l) {
            if (l.startsWith("# Benchmark: ")) {
                benchmark = l.substring(13).replace("org.panagrad.bench.", "");
            } else if (l.startsWith("# Parameters: ")) {
                params = l.substring(14);
                System.err.println("  jmh " + benchmark + " " + params);
            } else if (l.contains("<failure>")) {
                inFailure = true;
            } else if (inFailure && !l.isBlank()) {
                inFailure = false;
                String msg = benchmark + " " + params + ": " + l.trim();
                failures.add(msg);
                System.err.println("    failed: " + l.trim());
            }
        }
    }
}
