<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ef</name>
    <message>
        <source>there is no imported dataset named &apos;%1&apos; (see &apos;dataset import --jsonl&apos;)</source>
        <translation>没有名为 &apos;%1&apos; 的已导入数据集（参见 &apos;dataset import --jsonl&apos;）</translation>
    </message>
    <message>
        <source>corpus &apos;%1&apos; has no queries with relevant documents in split &apos;%2&apos;</source>
        <translation>语料库 &apos;%1&apos; 在划分 &apos;%2&apos; 中没有带相关文档的查询</translation>
    </message>
    <message>
        <source>training settings: %1</source>
        <translation>训练设置：%1</translation>
    </message>
    <message>
        <source>training settings: choose a base model folder</source>
        <translation>训练设置：请选择基础模型文件夹</translation>
    </message>
    <message>
        <source>%1 is not a model folder (no config.json)</source>
        <translation>%1 不是模型文件夹（缺少 config.json）</translation>
    </message>
    <message>
        <source>no training examples: the selection has no valid examples</source>
        <translation>没有训练样本：所选内容中没有有效样本</translation>
    </message>
    <message>
        <source>every example went to the held-out split; lower heldout_fraction</source>
        <translation>所有样本都被划入了留出集；请调低 heldout_fraction</translation>
    </message>
    <message>
        <source>run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <source>%1: cannot create the folder</source>
        <translation>%1：无法创建文件夹</translation>
    </message>
    <message>
        <source>%1: cannot write</source>
        <translation>%1：无法写入</translation>
    </message>
    <message>
        <source>Train run %1</source>
        <translation>训练运行 %1</translation>
    </message>
    <message>
        <source>run %1 has neither a folder nor its prepared data (%2)</source>
        <translation>运行 %1 既没有文件夹，也没有已准备的数据（%2）</translation>
    </message>
    <message>
        <source>step %1 of %2, loss %3</source>
        <translation>第 %1/%2 步，损失 %3</translation>
    </message>
    <message>
        <source>there is no training run %1 in %2</source>
        <translation>%2 中没有训练运行 %1</translation>
    </message>
    <message>
        <source>Export run %1 as %2</source>
        <translation>将运行 %1 导出为 %2</translation>
    </message>
    <message>
        <source>unknown export format &apos;%1&apos; (expected peft, merged or sentence-transformers)</source>
        <translation>未知的导出格式 &apos;%1&apos;（应为 peft、merged 或 sentence-transformers）</translation>
    </message>
    <message>
        <source>writing and checking %1</source>
        <translation>正在写入并检查 %1</translation>
    </message>
    <message>
        <source>Check the training settings</source>
        <translation>检查训练设置</translation>
    </message>
    <message>
        <source>choose a base model folder</source>
        <translation>请选择基础模型文件夹</translation>
    </message>
    <message>
        <source>dataset name &apos;%1&apos;: choose a name other than &apos;synthetic&apos;</source>
        <translation>数据集名称 &apos;%1&apos;：请使用 &apos;synthetic&apos; 以外的名称</translation>
    </message>
    <message>
        <source>--ratio %1: must be above 0 and at most 100</source>
        <translation>--ratio %1：必须大于 0 且不超过 100</translation>
    </message>
    <message>
        <source>%1: no examples</source>
        <translation>%1：没有样本</translation>
    </message>
    <message>
        <source>a dataset named &apos;%1&apos; exists already</source>
        <translation>名为 &apos;%1&apos; 的数据集已存在</translation>
    </message>
    <message>
        <source>Create the demo model</source>
        <translation>创建演示模型</translation>
    </message>
    <message>
        <source>learning a tokenizer from %1 texts</source>
        <translation>正在从 %1 条文本学习分词器</translation>
    </message>
    <message>
        <source>cannot move %1 into place</source>
        <translation>无法将 %1 移动到目标位置</translation>
    </message>
    <message>
        <source>demo: small model from scratch</source>
        <translation>演示：从零训练的小模型</translation>
    </message>
    <message>
        <source>mining hard negatives with the base model among %1 candidates…</source>
        <translation>正在用基础模型从 %1 个候选中挖掘困难负例…</translation>
    </message>
    <message>
        <source>run %1: mined %2 hard negatives for %3 examples among %4 candidates</source>
        <translation>运行 %1：从 %4 个候选中为 %3 个示例挖掘了 %2 个困难负例</translation>
    </message>
</context>
<context>
    <name>ef::ApiKeys</name>
    <message>
        <source>the API key file &apos;%1&apos; is readable by other users; run chmod 600 on it</source>
        <translation>API 密钥文件“%1”可被其他用户读取；请对其执行 chmod 600</translation>
    </message>
    <message>
        <source>cannot read the API key file &apos;%1&apos;: %2</source>
        <translation>无法读取 API 密钥文件“%1”：%2</translation>
    </message>
    <message>
        <source>cannot write the API key file &apos;%1&apos;: %2</source>
        <translation>无法写入 API 密钥文件“%1”：%2</translation>
    </message>
</context>
<context>
    <name>ef::Compute</name>
    <message>
        <source>Probe the compute device</source>
        <translation>探测计算设备</translation>
    </message>
</context>
<context>
    <name>ef::ComputeInfo</name>
    <message>
        <source>CPU (1 thread)</source>
        <translation>CPU（1 个线程）</translation>
    </message>
    <message>
        <source>CPU (%1 threads)</source>
        <translation>CPU（%1 个线程）</translation>
    </message>
    <message>
        <source>%1 — CUDA not available</source>
        <translation>%1 — CUDA 不可用</translation>
    </message>
    <message>
        <source>Probing the compute device…</source>
        <translation>正在探测计算设备…</translation>
    </message>
    <message>
        <source>LibTorch %1</source>
        <translation>LibTorch %1</translation>
    </message>
    <message>
        <source>CUDA: not in this build (CPU only)</source>
        <translation>CUDA：此构建未包含（仅 CPU）</translation>
    </message>
    <message>
        <source>CUDA: available (runtime %1.%2)</source>
        <translation>CUDA：可用（运行时 %1.%2）</translation>
    </message>
    <message>
        <source>CUDA: compiled in, not available</source>
        <translation>CUDA：已编译，但不可用</translation>
    </message>
    <message>
        <source>CUDA: compiled in, not available: %1</source>
        <translation>CUDA：已编译，但不可用：%1</translation>
    </message>
    <message>
        <source>GPU %1: %2, %3 GiB, compute capability %4.%5</source>
        <translation>GPU %1：%2，%3 GiB，计算能力 %4.%5</translation>
    </message>
    <message>
        <source>unknown CPU</source>
        <translation>未知 CPU</translation>
    </message>
    <message>
        <source>CPU: %1, %2 hardware threads, %3 GiB memory</source>
        <translation>CPU：%1，%2 个硬件线程，%3 GiB 内存</translation>
    </message>
    <message>
        <source>LibTorch uses 1 CPU thread</source>
        <translation>LibTorch 使用 1 个 CPU 线程</translation>
    </message>
    <message>
        <source>LibTorch uses %1 CPU threads</source>
        <translation>LibTorch 使用 %1 个 CPU 线程</translation>
    </message>
</context>
<context>
    <name>ef::Corpus</name>
    <message>
        <source>%1: the document id is empty</source>
        <translation>%1：文档编号为空</translation>
    </message>
    <message>
        <source>%1: duplicate document id &apos;%2&apos; (first seen at %3)</source>
        <translation>%1：文档编号“%2”重复（首次出现在 %3）</translation>
    </message>
    <message>
        <source>documents</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>%1: the query id is empty</source>
        <translation>%1：查询编号为空</translation>
    </message>
    <message>
        <source>%1: duplicate query id &apos;%2&apos;</source>
        <translation>%1：查询编号“%2”重复</translation>
    </message>
    <message>
        <source>queries</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>%1: unknown query-id &apos;%2&apos;</source>
        <translation>%1：未知的 query-id“%2”</translation>
    </message>
    <message>
        <source>%1: unknown corpus-id &apos;%2&apos;</source>
        <translation>%1：未知的 corpus-id“%2”</translation>
    </message>
    <message>
        <source>%1: the pair (%2, %3) is listed twice</source>
        <translation>%1：（%2, %3）这一对被列出了两次</translation>
    </message>
    <message>
        <source>qrels</source>
        <translation>相关性标注</translation>
    </message>
    <message>
        <source>%1:%2: invalid JSON: %3</source>
        <translation>%1:%2：无效的 JSON：%3</translation>
    </message>
    <message>
        <source>%1:%2: not a JSON object</source>
        <translation>%1:%2：不是 JSON 对象</translation>
    </message>
    <message>
        <source>%1:%2: missing &quot;%3&quot;</source>
        <translation>%1:%2：缺少“%3”</translation>
    </message>
    <message>
        <source>%1:%2: &quot;%3&quot; is not a string</source>
        <translation>%1:%2：“%3”不是字符串</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a BEIR folder: corpus.jsonl is missing</source>
        <translation>“%1”不是 BEIR 文件夹：缺少 corpus.jsonl</translation>
    </message>
    <message>
        <source>%1:%2: expected the header &apos;query-id&lt;TAB&gt;corpus-id&lt;TAB&gt;score&apos;</source>
        <translation>%1:%2：应为表头“query-id&lt;TAB&gt;corpus-id&lt;TAB&gt;score”</translation>
    </message>
    <message>
        <source>%1:%2: expected 3 tab-separated columns, found %3</source>
        <translation>%1:%2：应为 3 个制表符分隔的列，实际为 %3 列</translation>
    </message>
    <message>
        <source>%1:%2: score &apos;%3&apos; is not an integer</source>
        <translation>%1:%2：分数“%3”不是整数</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a folder</source>
        <translation>“%1”不是文件夹</translation>
    </message>
    <message>
        <source>a corpus needs a name</source>
        <translation>语料库需要一个名称</translation>
    </message>
    <message>
        <source>a corpus named &apos;%1&apos; already exists</source>
        <translation>已存在名为“%1”的语料库</translation>
    </message>
    <message>
        <source>&apos;%1&apos; holds no documents</source>
        <translation>“%1”中没有文档</translation>
    </message>
    <message>
        <source>no corpus named &apos;%1&apos; in this workspace</source>
        <translation>此工作区中没有名为“%1”的语料库</translation>
    </message>
    <message>
        <source>cannot create &apos;%1&apos;</source>
        <translation>无法创建“%1”</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: %2</source>
        <translation>无法写入“%1”：%2</translation>
    </message>
    <message>
        <source>corpus &apos;%1&apos; has no qrels for split &apos;%2&apos; (it has: %3)</source>
        <translation>语料库“%1”没有划分“%2”的相关性标注（已有：%3）</translation>
    </message>
    <message>
        <source>a named pipe (FIFO)</source>
        <translation>命名管道（FIFO）</translation>
    </message>
    <message>
        <source>a socket</source>
        <translation>套接字</translation>
    </message>
    <message>
        <source>a device</source>
        <translation>设备文件</translation>
    </message>
    <message>
        <source>not a regular file</source>
        <translation>不是普通文件</translation>
    </message>
    <message>
        <source>cannot read the folder &apos;%1&apos;: %2</source>
        <translation>无法读取文件夹“%1”：%2</translation>
    </message>
    <message>
        <source>&apos;%1&apos; in &apos;%2&apos;: %3</source>
        <translation>“%2”中的“%1”：%3</translation>
    </message>
    <message>
        <source>cannot read the folder: %1</source>
        <translation>无法读取该文件夹：%1</translation>
    </message>
    <message>
        <source>a broken symbolic link</source>
        <translation>失效的符号链接</translation>
    </message>
    <message>
        <source>a symbolic link to &apos;%1&apos;, outside the folder (not followed unless asked)</source>
        <translation>指向文件夹之外“%1”的符号链接（除非明确要求，否则不跟随）</translation>
    </message>
    <message>
        <source>a link to a folder that is read already</source>
        <translation>指向已读取文件夹的链接</translation>
    </message>
    <message>
        <source>nested deeper than %1 folders</source>
        <translation>嵌套超过 %1 层文件夹</translation>
    </message>
    <message>
        <source>larger than %1 MiB, the most a document may hold</source>
        <translation>大于 %1 MiB，即单个文档的上限</translation>
    </message>
    <message>
        <source>cannot read it: %1</source>
        <translation>无法读取：%1</translation>
    </message>
    <message>
        <source>not UTF-8 text</source>
        <translation>不是 UTF-8 文本</translation>
    </message>
    <message>
        <source>&apos;%1&apos; holds no documents that can be imported: %2 files skipped, the first &apos;%3&apos;: %4</source>
        <translation>“%1”中没有可导入的文档：跳过了 %2 个文件，第一个是“%3”：%4</translation>
    </message>
</context>
<context>
    <name>ef::Database</name>
    <message>
        <source>cannot open &apos;%1&apos;: %2</source>
        <translation>无法打开“%1”：%2</translation>
    </message>
    <message>
        <source>%1: %2 (while running: %3)</source>
        <translation>%1：%2（执行语句：%3）</translation>
    </message>
    <message>
        <source>the file &apos;%1&apos; is not writable</source>
        <translation>文件“%1”不可写</translation>
    </message>
    <message>
        <source>its folder &apos;%1&apos; is not writable</source>
        <translation>其所在文件夹“%1”不可写</translation>
    </message>
    <message>
        <source>cannot open &apos;%1&apos; read-only: %2, and its write-ahead log &apos;%3&apos; holds changes not yet in the file; open it once where it can be written, or copy it with its -wal file</source>
        <translation>无法以只读方式打开“%1”：%2，且其预写日志“%3”中有尚未写入文件的更改；请先在可写的位置打开一次，或连同其 -wal 文件一起复制</translation>
    </message>
    <message>
        <source>cannot write to &apos;%1&apos;: %2 (while running: %3)</source>
        <translation>无法写入“%1”：%2（执行：%3）</translation>
    </message>
</context>
<context>
    <name>ef::Dataset</name>
    <message>
        <source>unknown export format &apos;%1&apos; (examples or triplets)</source>
        <translation>未知的导出格式“%1”（应为 examples 或 triplets）</translation>
    </message>
    <message>
        <source>the validation fraction must be at least 0 and below 1</source>
        <translation>验证集比例必须大于等于 0 且小于 1</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: %2</source>
        <translation>无法写入“%1”：%2</translation>
    </message>
    <message>
        <source>cannot read &apos;%1&apos;: %2</source>
        <translation>无法读取“%1”：%2</translation>
    </message>
    <message>
        <source>%1:%2: not a JSON object (%3)</source>
        <translation>%1:%2：不是 JSON 对象（%3）</translation>
    </message>
    <message>
        <source>%1:%2: unknown family &apos;%3&apos;</source>
        <translation>%1:%2：未知的任务族“%3”</translation>
    </message>
    <message>
        <source>%1:%2: status must be valid, invalid or duplicate, not &apos;%3&apos;</source>
        <translation>%1:%2：状态必须是 valid、invalid 或 duplicate，而不是“%3”</translation>
    </message>
    <message>
        <source>%1:%2: &quot;%3&quot; must be a string</source>
        <translation>%1:%2：“%3”必须是字符串</translation>
    </message>
    <message>
        <source>%1:%2: an invalid example needs an &quot;invalid_reason&quot;</source>
        <translation>%1:%2：无效样本需要提供“invalid_reason”</translation>
    </message>
    <message>
        <source>Export %1 to %2</source>
        <translation>将 %1 导出到 %2</translation>
    </message>
    <message>
        <source>writing %1</source>
        <translation>正在写入 %1</translation>
    </message>
    <message>
        <source>%1 train, %2 validation records</source>
        <translation>训练记录 %1 条，验证记录 %2 条</translation>
    </message>
    <message>
        <source>%1:%2: invalid_reason &apos;%3&apos; is not what the parser gives this reply (&apos;%4&apos;)</source>
        <translation>%1:%2：invalid_reason“%3”与解析器对该回复给出的原因（“%4”）不一致</translation>
    </message>
</context>
<context>
    <name>ef::DatasetPage</name>
    <message>
        <source>All families</source>
        <translation>全部任务族</translation>
    </message>
    <message>
        <source>All languages</source>
        <translation>全部语言</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>任意状态</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>Invalid</source>
        <translation>无效</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>重复</translation>
    </message>
    <message>
        <source>Search instruction, query and documents…</source>
        <translation>搜索指令、查询和文档…</translation>
    </message>
    <message>
        <source>Examples per language</source>
        <translation>各语言的样本数</translation>
    </message>
    <message>
        <source>Examples per task family</source>
        <translation>各任务族的样本数</translation>
    </message>
    <message>
        <source>Length in words (query, positive, hard negative)</source>
        <translation>长度（词数；查询、正例、难负例）</translation>
    </message>
    <message>
        <source>Invalid outputs by reason</source>
        <translation>按原因统计的无效输出</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>%1 examples</source>
        <translation>%1 个样本</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>others</source>
        <translation>其他</translation>
    </message>
    <message>
        <source>query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>positive</source>
        <translation>正例</translation>
    </message>
    <message>
        <source>hard negative</source>
        <translation>难负例</translation>
    </message>
    <message>
        <source>words (last bin: %1 and more)</source>
        <translation>词数（最后一组：%1 及以上）</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Positive</source>
        <translation>正例</translation>
    </message>
    <message>
        <source>Hard negative</source>
        <translation>难负例</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Sampled values</source>
        <translation>采样值</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Raw response</source>
        <translation>原始回复</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Export dataset</source>
        <translation>导出数据集</translation>
    </message>
    <message>
        <source>Examples: instruction, query, positive, negative, family, language</source>
        <translation>样本：instruction、query、positive、negative、family、language</translation>
    </message>
    <message>
        <source>sentence-transformers triplets: anchor, positive, negative</source>
        <translation>sentence-transformers 三元组：anchor、positive、negative</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Validation fraction:</source>
        <translation>验证集比例：</translation>
    </message>
    <message>
        <source>Split seed:</source>
        <translation>划分种子：</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines 文件 (*.jsonl)</translation>
    </message>
    <message>
        <source>Task contains…</source>
        <translation>任务定义包含…</translation>
    </message>
    <message>
        <source>Flagged as leaked</source>
        <translation>标记为泄漏</translation>
    </message>
    <message>
        <source>Exclude flagged from training</source>
        <translation>从训练中排除已标记项</translation>
    </message>
    <message>
        <source>Leave every example a leakage check flagged out of training and exports</source>
        <translation>将泄漏检查标记的所有示例排除在训练和导出之外</translation>
    </message>
    <message>
        <source>%1 excluded from training</source>
        <translation>已从训练中排除 %1 个</translation>
    </message>
    <message>
        <source>%1 example(s) flagged by a leakage check are left out of training and exports</source>
        <translation>泄漏检查标记的 %1 个示例已排除在训练和导出之外</translation>
    </message>
    <message>
        <source>Exports the valid examples the current filter shows.</source>
        <translation>导出当前筛选条件显示的有效示例。</translation>
    </message>
    <message>
        <source>Invalid (%1): %2. %3</source>
        <translation>无效（%1）：%2。%3</translation>
    </message>
    <message>
        <source>Duplicate of &lt;a href=&apos;example:%1&apos;&gt;example #%1&lt;/a&gt;</source>
        <translation>重复于&lt;a href=&apos;example:%1&apos;&gt;示例 #%1&lt;/a&gt;</translation>
    </message>
    <message>
        <source>Check leakage…</source>
        <translation>检查泄漏…</translation>
    </message>
    <message>
        <source>Find the examples that share a long word n-gram with a corpus&apos;s queries or documents (an evaluation set the LLM may have reproduced)</source>
        <translation>找出与语料库的查询或文档共享较长词 n 元组的示例（LLM 可能复现了评测集中的文本）</translation>
    </message>
    <message>
        <source>Flagged as leaked: its %1 shares “%2” with %3 %4 of corpus %5.</source>
        <translation>已标记为泄漏：其 %1 与语料库 %5 的%3 %4 共享“%2”。</translation>
    </message>
    <message>
        <source>document</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Checking the examples against %1…</source>
        <translation>正在对照 %1 检查示例…</translation>
    </message>
    <message>
        <source>The leakage check was cancelled; earlier flags are unchanged.</source>
        <translation>泄漏检查已取消；之前的标记保持不变。</translation>
    </message>
    <message>
        <source>The leakage check failed: %1</source>
        <translation>泄漏检查失败：%1</translation>
    </message>
    <message>
        <source>Leakage check: %1 of %2 examples share a %3-word n-gram with corpus %4.</source>
        <translation>泄漏检查：%2 个示例中有 %1 个与语料库 %4 共享 %3 词的 n 元组。</translation>
    </message>
    <message>
        <source>The workspace has no corpus to check against: import one with Corpus › Import…</source>
        <translation>此工作区没有可供对照检查的语料库：请用“语料库 › 导入…”导入一个</translation>
    </message>
    <message>
        <source>Check leakage</source>
        <translation>检查泄漏</translation>
    </message>
    <message>
        <source>Flags the valid and duplicate examples whose query or documents share n consecutive words with the corpus&apos;s queries or documents. The flags replace the corpus&apos;s earlier ones.</source>
        <translation>标记其查询或文档与语料库的查询或文档共享 n 个连续词的有效示例和重复示例。新标记会替换该语料库之前的标记。</translation>
    </message>
    <message>
        <source>%1 (%2 documents, %3 queries)</source>
        <translation>%1（%2 篇文档，%3 个查询）</translation>
    </message>
    <message>
        <source>13 words, as the GPT-3 and LLaMA contamination checks use; a CJK character counts as a word</source>
        <translation>13 个词，与 GPT-3 和 LLaMA 的污染检查相同；一个中日韩字符算作一个词</translation>
    </message>
    <message>
        <source>Corpus:</source>
        <translation>语料库：</translation>
    </message>
    <message>
        <source>Words in common:</source>
        <translation>共同的词数：</translation>
    </message>
    <message>
        <source>Check</source>
        <translation>检查</translation>
    </message>
</context>
<context>
    <name>ef::Dense</name>
    <message>
        <source>corpus &apos;%1&apos; has no vectors for this model (fingerprint %2): run &apos;corpus embed --corpus %1 --model DIR&apos; first</source>
        <translation>语料库“%1”没有此模型的向量（指纹 %2）：请先运行 &apos;corpus embed --corpus %1 --model DIR&apos;</translation>
    </message>
    <message>
        <source>corpus &apos;%1&apos; is only partly embedded with this model (%2 of %3 documents): run &apos;corpus embed&apos; again to finish</source>
        <translation>语料库“%1”只有部分文档用此模型嵌入（%2 / %3 个文档）：请再次运行 &apos;corpus embed&apos; 以完成</translation>
    </message>
    <message>
        <source>the vector set for corpus &apos;%1&apos; vanished</source>
        <translation>语料库“%1”的向量集已不存在</translation>
    </message>
    <message>
        <source>stored vectors have dimension %1 but the model produces %2</source>
        <translation>已存储的向量维度为 %1，但模型输出维度为 %2</translation>
    </message>
    <message>
        <source>%1 of %2 documents</source>
        <translation>%1 / %2 个文档</translation>
    </message>
    <message>
        <source>the query embeddings have dimension %1 but the stored vectors %2</source>
        <translation>查询嵌入的维度为 %1，但已存储的向量为 %2</translation>
    </message>
    <message>
        <source>corpus &apos;%1&apos;: the vector of document row %2 has %3 bytes, expected %4; delete the vector set and embed again</source>
        <translation>语料库“%1”：文档行 %2 的向量有 %3 字节，应为 %4；请删除该向量集后重新嵌入</translation>
    </message>
    <message>
        <source>%1 search needs a model</source>
        <translation>%1 检索需要一个模型</translation>
    </message>
    <message>
        <source>%1 evaluation needs a model</source>
        <translation>%1 评测需要一个模型</translation>
    </message>
    <message>
        <source>embedding queries</source>
        <translation>正在嵌入查询</translation>
    </message>
    <message>
        <source>the embedding of corpus &apos;%1&apos; with model %2</source>
        <translation>用模型 %2 对语料库“%1”的嵌入</translation>
    </message>
</context>
<context>
    <name>ef::DisplayText</name>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>invalid</source>
        <translation>无效</translation>
    </message>
    <message>
        <source>duplicate</source>
        <translation>重复</translation>
    </message>
</context>
<context>
    <name>ef::DocumentViewer</name>
    <message>
        <source>Document</source>
        <translation>文档</translation>
    </message>
    <message>
        <source>Split</source>
        <translation>划分</translation>
    </message>
    <message>
        <source>Query id</source>
        <translation>查询 ID</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Grade</source>
        <translation>等级</translation>
    </message>
    <message>
        <source>Every query whose relevance judgements (qrels) name this document; click one to search it</source>
        <translation>相关性判断（qrels）中提到此文档的每个查询；单击其中一个即可检索它</translation>
    </message>
    <message>
        <source>Judged by these queries of the corpus:</source>
        <translation>语料库中判断过此文档的查询：</translation>
    </message>
    <message>
        <source>Copy text</source>
        <translation>复制文本</translation>
    </message>
    <message>
        <source>Document %1</source>
        <translation>文档 %1</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>Document %1 — %2</source>
        <translation>文档 %1 — %2</translation>
    </message>
    <message>
        <source>(untitled)</source>
        <translation>（无标题）</translation>
    </message>
    <message>
        <source>Corpus &lt;b&gt;%1&lt;/b&gt; · document id &lt;b&gt;%2&lt;/b&gt; · %3 characters · %4 words</source>
        <translation>语料库 &lt;b&gt;%1&lt;/b&gt; · 文档 ID &lt;b&gt;%2&lt;/b&gt; · %3 个字符 · %4 个词</translation>
    </message>
    <message>
        <source>Imported from %1</source>
        <translation>导入自 %1</translation>
    </message>
    <message>
        <source>Rank %1 by %2, score %3</source>
        <translation>%2 排名第 %1，得分 %3</translation>
    </message>
    <message>
        <source>Judgement: the query searched is not one of this corpus&apos;s queries, so there is no judgement for it.</source>
        <translation>判断：所检索的查询不是此语料库的查询，因此没有针对它的判断。</translation>
    </message>
    <message>
        <source>Judged relevant to the query searched (grade %1).</source>
        <translation>已判断与所检索的查询相关（等级 %1）。</translation>
    </message>
    <message>
        <source>Not judged relevant to the query searched.</source>
        <translation>未被判断为与所检索的查询相关。</translation>
    </message>
</context>
<context>
    <name>ef::Examples</name>
    <message>
        <source>Example %1 no longer exists.</source>
        <translation>样本 %1 已不存在。</translation>
    </message>
</context>
<context>
    <name>ef::ExamplesModel</name>
    <message>
        <source>invalid: %1</source>
        <translation>无效：%1</translation>
    </message>
    <message>
        <source>ID</source>
        <translation>编号</translation>
    </message>
    <message>
        <source>Family</source>
        <translation>任务族</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Instruction</source>
        <translation>指令</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>Positive</source>
        <translation>正例</translation>
    </message>
    <message>
        <source>Hard negative</source>
        <translation>难负例</translation>
    </message>
    <message>
        <source>invalid: %1 (%2)</source>
        <translation>无效：%1（%2）</translation>
    </message>
</context>
<context>
    <name>ef::FileGuard</name>
    <message>
        <source>&apos;%1&apos; does not exist</source>
        <translation>“%1”不存在</translation>
    </message>
    <message>
        <source>cannot read &apos;%1&apos;: %2</source>
        <translation>无法读取“%1”：%2</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is a folder, not a regular file</source>
        <translation>“%1”是文件夹，不是普通文件</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is a named pipe (FIFO), not a regular file</source>
        <translation>“%1”是命名管道（FIFO），不是普通文件</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is a device, not a regular file</source>
        <translation>“%1”是设备文件，不是普通文件</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is a socket, not a regular file</source>
        <translation>“%1”是套接字，不是普通文件</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a regular file</source>
        <translation>“%1”不是普通文件</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is larger than %2, the most this file may hold</source>
        <translation>“%1”超过 %2，即此类文件允许的最大大小</translation>
    </message>
    <message>
        <source>%1:%2: the line is longer than %3, the most a line may hold</source>
        <translation>%1:%2：该行超过 %3，即一行允许的最大长度</translation>
    </message>
</context>
<context>
    <name>ef::GeneratePage</name>
    <message>
        <source>Start new run</source>
        <translation>开始新运行</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Run configuration</source>
        <translation>运行配置</translation>
    </message>
    <message>
        <source>Endpoint:</source>
        <translation>端点：</translation>
    </message>
    <message>
        <source>Families:</source>
        <translation>任务族：</translation>
    </message>
    <message>
        <source>Paper-like (English 43%, 13 major languages 2.9%)</source>
        <translation>与论文一致（英语 43%，13 种主要语言各 2.9%）</translation>
    </message>
    <message>
        <source>Uniform over the languages</source>
        <translation>各语言均匀</translation>
    </message>
    <message>
        <source>Proportional to CC-100 size</source>
        <translation>按 CC-100 语料规模成比例</translation>
    </message>
    <message>
        <source>Language weighting:</source>
        <translation>语言权重：</translation>
    </message>
    <message>
        <source>all 100 XLM-R languages; or codes such as en, zh, de, sw</source>
        <translation>全部 100 种 XLM-R 语言；或填写代码，如 en, zh, de, sw</translation>
    </message>
    <message>
        <source>Languages:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>种子：</translation>
    </message>
    <message>
        <source>Requests in flight:</source>
        <translation>并发请求数：</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>No run in progress.</source>
        <translation>当前没有运行。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <source>Invalid</source>
        <translation>无效</translation>
    </message>
    <message>
        <source>Duplicates</source>
        <translation>重复</translation>
    </message>
    <message>
        <source>Cost</source>
        <translation>费用</translation>
    </message>
    <message>
        <source>Render prompts</source>
        <translation>渲染提示词</translation>
    </message>
    <message>
        <source>Render and send to the LLM</source>
        <translation>渲染并发送给大模型</translation>
    </message>
    <message>
        <source>Per cell:</source>
        <translation>每格数量：</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>No endpoint: add one in File › Settings</source>
        <translation>没有端点：请在“文件 › 设置”中添加</translation>
    </message>
    <message>
        <source>Choose an LLM endpoint (File › Settings adds one).</source>
        <translation>请选择一个大模型端点（可在“文件 › 设置”中添加）。</translation>
    </message>
    <message>
        <source>Choose at least one task family.</source>
        <translation>请至少选择一个任务族。</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an XLM-R language code or name.</source>
        <translation>“%1”不是 XLM-R 语言代码或名称。</translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation>正在启动…</translation>
    </message>
    <message>
        <source>&lt;table&gt;&lt;tr&gt;&lt;td&gt;Requests&lt;/td&gt;&lt;td&gt;&lt;b&gt;%1&lt;/b&gt; of %2 done · %3 failed · %4 in flight&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Rate&lt;/td&gt;&lt;td&gt;%5 requests/s · ETA %6&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Examples&lt;/td&gt;&lt;td&gt;&lt;b&gt;%7&lt;/b&gt; valid · %8 invalid · %9 duplicates · %10 tasks&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;Tokens&lt;/td&gt;&lt;td&gt;%11 prompt · %12 completion · cost %13&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</source>
        <translation>&lt;table&gt;&lt;tr&gt;&lt;td&gt;请求&lt;/td&gt;&lt;td&gt;已完成 &lt;b&gt;%1&lt;/b&gt; / %2 · 失败 %3 · 进行中 %4&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;速率&lt;/td&gt;&lt;td&gt;每秒 %5 个请求 · 剩余时间 %6&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;样本&lt;/td&gt;&lt;td&gt;&lt;b&gt;%7&lt;/b&gt; 有效 · %8 无效 · %9 重复 · %10 个任务定义&lt;/td&gt;&lt;/tr&gt;&lt;tr&gt;&lt;td&gt;词元&lt;/td&gt;&lt;td&gt;提示 %11 · 补全 %12 · 费用 %13&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;Invalid outputs by reason:&lt;/p&gt;&lt;ul&gt;%1&lt;/ul&gt;</source>
        <translation>&lt;p&gt;按原因统计的无效输出：&lt;/p&gt;&lt;ul&gt;%1&lt;/ul&gt;</translation>
    </message>
    <message>
        <source>Task: %1
</source>
        <translation>任务定义：%1
</translation>
    </message>
    <message>
        <source>✗ request failed: %1
</source>
        <translation>✗ 请求失败：%1
</translation>
    </message>
    <message>
        <source>✗ invalid (%1): %2
</source>
        <translation>✗ 无效（%1）：%2
</translation>
    </message>
    <message>
        <source>✓ valid
Query: %1
Positive: %2
Negative: %3
</source>
        <translation>✓ 有效
查询：%1
正例：%2
难负例：%3
</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Examples:</source>
        <translation>示例数：</translation>
    </message>
    <message>
        <source>Relative number of examples per family; the default is the paper&apos;s mix</source>
        <translation>各任务族示例数的相对权重；默认为论文中的比例</translation>
    </message>
    <message>
        <source>Family weights:</source>
        <translation>任务族权重：</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Stop sending once the run has spent this much (the endpoint&apos;s currency); a resume with a higher budget continues it</source>
        <translation>运行花费达到此金额（端点的货币）后停止发送；以更高的预算继续即可恢复</translation>
    </message>
    <message>
        <source>Budget:</source>
        <translation>预算：</translation>
    </message>
    <message>
        <source>Plan:</source>
        <translation>计划：</translation>
    </message>
    <message>
        <source>%1 more</source>
        <translation>另有 %1 种</translation>
    </message>
    <message>
        <source>%1 requests · per family: %2&lt;br&gt;expected per language: %3&lt;br&gt;about %4 prompt and %5 completion tokens, about %6 %7</source>
        <translation>%1 个请求 · 各任务族：%2&lt;br&gt;各语言预计：%3&lt;br&gt;约 %4 个提示词元和 %5 个补全词元，约 %6 %7</translation>
    </message>
    <message>
        <source>The environment variable %1 is not set and the key file has no key for &apos;%2&apos;: every request would be refused. Set it before starting EmbedForge, or clear the profile&apos;s key variable for an endpoint without a key.</source>
        <translation>环境变量 %1 未设置，密钥文件中也没有“%2”的密钥：每个请求都会被拒绝。请在启动 EmbedForge 前设置它；若端点不需要密钥，请清空该配置的密钥变量。</translation>
    </message>
    <message>
        <source>Resume run %1 (%2 of %3 done)</source>
        <translation>继续运行 %1（已完成 %2 / %3）</translation>
    </message>
    <message>
        <source>Every run is finished: nothing to resume</source>
        <translation>所有运行均已完成：没有可继续的运行</translation>
    </message>
    <message>
        <source>Run %1 of the previous workspace is still running (see the Jobs dock).</source>
        <translation>上一个工作区的运行 %1 仍在进行（见“作业”面板）。</translation>
    </message>
    <message>
        <source>Requests sent to the endpoint at once. This is the only such setting: it is stored with the run, and Resume sends with the value shown here.</source>
        <translation>同时发送到端点的请求数。这是唯一的此类设置：它随运行一起保存，“继续”会按此处显示的值发送。</translation>
    </message>
    <message>
        <source>The preview cannot be sent: the generation settings are not valid.</source>
        <translation>无法发送预览：生成设置无效。</translation>
    </message>
    <message>
        <source>Some preview requests failed; the cells that failed say why.</source>
        <translation>部分预览请求失败；失败的单元格中写明了原因。</translation>
    </message>
    <message>
        <source>partly failed</source>
        <translation>部分失败</translation>
    </message>
</context>
<context>
    <name>ef::Generation</name>
    <message>
        <source>unknown task family &apos;%1&apos; (expected one of %2)</source>
        <translation>未知的任务族“%1”（应为 %2 之一）</translation>
    </message>
    <message>
        <source>the number of examples must not be negative</source>
        <translation>样本数不能为负数</translation>
    </message>
    <message>
        <source>--examples must be at least 1</source>
        <translation>--examples 至少为 1</translation>
    </message>
    <message>
        <source>the run has no endpoint base URL</source>
        <translation>该运行没有端点基础 URL</translation>
    </message>
    <message>
        <source>the workspace has no generate template for family &apos;%1&apos;</source>
        <translation>工作区中没有任务族“%1”的生成模板</translation>
    </message>
    <message>
        <source>template &apos;%1&apos; has errors; run &apos;templates validate&apos;</source>
        <translation>模板“%1”有错误；请运行“templates validate”</translation>
    </message>
    <message>
        <source>the workspace has no brainstorm template for family &apos;%1&apos;</source>
        <translation>工作区中没有任务族“%1”的头脑风暴模板</translation>
    </message>
    <message>
        <source>the workspace has no unfinished generation run</source>
        <translation>工作区中没有未完成的生成运行</translation>
    </message>
    <message>
        <source>there is no generation run %1</source>
        <translation>不存在生成运行 %1</translation>
    </message>
    <message>
        <source>template &apos;%1&apos;: %2</source>
        <translation>模板“%1”：%2</translation>
    </message>
    <message>
        <source>family &apos;%1&apos;: the brainstorm step produced no tasks</source>
        <translation>任务族“%1”：头脑风暴步骤没有产生任何任务定义</translation>
    </message>
    <message>
        <source>generation run %1 is already finished</source>
        <translation>生成运行 %1 已经完成</translation>
    </message>
    <message>
        <source>no template &apos;%1&apos; in this workspace</source>
        <translation>此工作区中没有模板“%1”</translation>
    </message>
    <message>
        <source>unknown language &apos;%1&apos; (use a code of the XLM-R table, e.g. de, zh)</source>
        <translation>未知语言“%1”（请使用 XLM-R 语言表中的代码，如 de、zh）</translation>
    </message>
    <message>
        <source>no task to preview family &apos;%1&apos; with: the workspace has none and template &apos;%2&apos; lists no example tasks</source>
        <translation>无法预览任务族“%1”：工作区中没有任务定义，模板“%2”也没有列出示例任务</translation>
    </message>
    <message>
        <source>Generate synthetic examples (run %1)</source>
        <translation>生成合成样本（运行 %1）</translation>
    </message>
    <message>
        <source>valid %1, invalid %2, duplicate %3, failed %4</source>
        <translation>有效 %1，无效 %2，重复 %3，失败 %4</translation>
    </message>
    <message>
        <source>%1 request(s) failed; resume the run to retry them</source>
        <translation>%1 个请求失败；继续该运行即可重试</translation>
    </message>
    <message>
        <source>generation run %1 ended as &apos;%2&apos;</source>
        <translation>生成运行 %1 以“%2”状态结束</translation>
    </message>
    <message>
        <source>template &apos;%1&apos; belongs to family &apos;%2&apos;, not &apos;%3&apos;</source>
        <translation>模板“%1”属于任务族“%2”，而不是“%3”</translation>
    </message>
    <message>
        <source>Preview with the LLM</source>
        <translation>用大模型预览</translation>
    </message>
    <message>
        <source>Render preview</source>
        <translation>渲染预览</translation>
    </message>
    <message>
        <source>%1 requests failed; the first: %2</source>
        <translation>%1 个请求失败；第一个：%2</translation>
    </message>
    <message>
        <source>%1 requests were not sent</source>
        <translation>%1 个请求未发送</translation>
    </message>
    <message>
        <source>generation run %1</source>
        <translation>生成运行 %1</translation>
    </message>
    <message>
        <source>a budget must be a number of 0 or more</source>
        <translation>预算必须是大于或等于 0 的数</translation>
    </message>
    <message>
        <source>stopped at the budget: spent %1 %3 of %2 %3; resume with a higher budget to continue</source>
        <translation>已达预算而停止：已花费 %1 %3（预算 %2 %3）；以更高的预算继续即可恢复</translation>
    </message>
    <message>
        <source>family &apos;%1&apos; gets no examples (its weight is too small for %2 examples)</source>
        <translation>任务族“%1”得不到示例（其权重对于 %2 个示例而言过小）</translation>
    </message>
    <message>
        <source>language &apos;%1&apos; is expected to get only %2 of %3 examples and may get none: raise its weight or the number of examples</source>
        <translation>语言“%1”预计只会得到 %3 个示例中的 %2 个，可能一个也没有：请提高其权重或示例数</translation>
    </message>
    <message>
        <source>family weight &apos;%1&apos; is not FAMILY=NUMBER (e.g. retrieval=167)</source>
        <translation>任务族权重“%1”不是“任务族=数值”的形式（例如 retrieval=167）</translation>
    </message>
    <message>
        <source>family weight &apos;%1&apos;: unknown family &apos;%2&apos; (expected one of %3)</source>
        <translation>任务族权重“%1”：未知的任务族“%2”（应为 %3 之一）</translation>
    </message>
    <message>
        <source>family weight &apos;%1&apos; must be a number of 0 or more</source>
        <translation>任务族权重“%1”必须是大于或等于 0 的数</translation>
    </message>
    <message>
        <source>family &apos;%1&apos; is weighted twice</source>
        <translation>任务族“%1”的权重给出了两次</translation>
    </message>
    <message>
        <source>no family weights given</source>
        <translation>没有给出任务族权重</translation>
    </message>
    <message>
        <source>stopped after %1 requests in a row failed the same way: %2</source>
        <translation>连续 %1 个请求以同样的方式失败，已停止：%2</translation>
    </message>
    <message>
        <source>the process running it stopped (killed or crashed); resume it to continue</source>
        <translation>运行它的进程已停止（被终止或崩溃）；继续运行即可接着完成</translation>
    </message>
    <message>
        <source>requests in flight must be between 1 and 1024, not %1</source>
        <translation>同时进行的请求数必须在 1 到 1024 之间，而不是 %1</translation>
    </message>
</context>
<context>
    <name>ef::JobManager</name>
    <message>
        <source>unknown error</source>
        <translation>未知错误</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>排队中</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <source>the job threw an unknown exception</source>
        <translation>任务抛出了未知异常</translation>
    </message>
    <message>
        <source>Partly failed</source>
        <translation>部分失败</translation>
    </message>
</context>
<context>
    <name>ef::JobsDock</name>
    <message>
        <source>Jobs</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop this job after its current unit of work</source>
        <translation>在当前工作单元完成后停止此任务</translation>
    </message>
    <message>
        <source>Clear finished</source>
        <translation>清除已结束的任务</translation>
    </message>
    <message>
        <source>Job failed</source>
        <translation>任务失败</translation>
    </message>
    <message>
        <source>The job &apos;%1&apos; failed.</source>
        <translation>任务“%1”失败。</translation>
    </message>
    <message>
        <source>Job partly failed</source>
        <translation>任务部分失败</translation>
    </message>
    <message>
        <source>The job &apos;%1&apos; did part of its work; the rest failed.</source>
        <translation>任务“%1”完成了部分工作；其余部分失败。</translation>
    </message>
</context>
<context>
    <name>ef::JobsModel</name>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/秒</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>速率</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>%1

Double-click for the details.</source>
        <translation>%1

双击查看详细信息。</translation>
    </message>
</context>
<context>
    <name>ef::Leakage</name>
    <message>
        <source>the n-gram length must be 3 to 100 words, not %1</source>
        <translation>n 元组长度必须为 3 到 100 个词，而不是 %1</translation>
    </message>
    <message>
        <source>Check the examples for leakage into %1</source>
        <translation>检查示例是否泄漏到 %1</translation>
    </message>
    <message>
        <source>%1 of %2 examples share a %3-word n-gram with %4</source>
        <translation>%2 个示例中有 %1 个与 %4 共享 %3 词的 n 元组</translation>
    </message>
</context>
<context>
    <name>ef::Lease</name>
    <message>
        <source>cannot create the folder &apos;%1&apos; for %2&apos;s lease</source>
        <translation>无法为%2的租约创建文件夹“%1”</translation>
    </message>
    <message>
        <source>cannot open the lease &apos;%1&apos; for %2: %3</source>
        <translation>无法为%2打开租约“%1”：%3</translation>
    </message>
    <message>
        <source>cannot lock the lease &apos;%1&apos; for %2: %3</source>
        <translation>无法为%2锁定租约“%1”：%3</translation>
    </message>
    <message>
        <source>%1 is being processed by another process</source>
        <translation>%1正由另一个进程处理</translation>
    </message>
    <message>
        <source>%1 is being processed by %2</source>
        <translation>%1正由%2处理</translation>
    </message>
    <message>
        <source>process %1 since %2, on host %3</source>
        <translation>进程 %1（自 %2 起，主机 %3）</translation>
    </message>
</context>
<context>
    <name>ef::LlmClient</name>
    <message>
        <source>the endpoint redirected to %1, another scheme, host or port: the API key is not sent there (make that the profile&apos;s base URL if you trust it)</source>
        <translation>端点重定向到 %1（另一协议、主机或端口）：API 密钥不会发送到那里（如果信任它，请把它设为该配置的基础 URL）</translation>
    </message>
    <message>
        <source>no complete reply within %1 ms</source>
        <translation>%1 毫秒内没有收到完整回复</translation>
    </message>
    <message>
        <source>network error: %1</source>
        <translation>网络错误：%1</translation>
    </message>
    <message>
        <source>HTTP %1: %2</source>
        <translation>HTTP %1：%2</translation>
    </message>
    <message>
        <source>the response body is not valid JSON: %1</source>
        <translation>响应正文不是有效的 JSON：%1</translation>
    </message>
    <message>
        <source>the response body has no choices[0].message</source>
        <translation>响应正文中没有 choices[0].message</translation>
    </message>
</context>
<context>
    <name>ef::LlmParse</name>
    <message>
        <source>the reply is empty</source>
        <translation>回复为空</translation>
    </message>
    <message>
        <source>the JSON object is cut off before its closing brace</source>
        <translation>JSON 对象在右花括号之前被截断</translation>
    </message>
    <message>
        <source>the reply is JSON but not an object</source>
        <translation>回复是 JSON，但不是对象</translation>
    </message>
    <message>
        <source>the reply contains a {...} block that is not valid JSON</source>
        <translation>回复中的 {...} 块不是有效的 JSON</translation>
    </message>
    <message>
        <source>the reply contains no JSON object</source>
        <translation>回复中没有 JSON 对象</translation>
    </message>
    <message>
        <source>the key &quot;%1&quot; is missing</source>
        <translation>缺少键“%1”</translation>
    </message>
    <message>
        <source>the value of &quot;%1&quot; is not a string</source>
        <translation>“%1”的值不是字符串</translation>
    </message>
    <message>
        <source>the value of &quot;%1&quot; is empty</source>
        <translation>“%1”的值为空</translation>
    </message>
    <message>
        <source>keys the format does not name: %1</source>
        <translation>格式未列出的键：%1</translation>
    </message>
    <message>
        <source>the reply was empty</source>
        <translation>回复为空</translation>
    </message>
    <message>
        <source>the reply holds no JSON object</source>
        <translation>回复中没有 JSON 对象</translation>
    </message>
    <message>
        <source>the JSON stops before its end (the reply was cut off)</source>
        <translation>JSON 未结束就中断了（回复被截断）</translation>
    </message>
    <message>
        <source>the JSON is malformed</source>
        <translation>JSON 格式错误</translation>
    </message>
    <message>
        <source>the JSON is not an object</source>
        <translation>JSON 不是对象</translation>
    </message>
    <message>
        <source>a key the format requires is missing</source>
        <translation>缺少格式要求的键</translation>
    </message>
    <message>
        <source>a value is not a string</source>
        <translation>某个值不是字符串</translation>
    </message>
    <message>
        <source>a required value is empty</source>
        <translation>某个必需的值为空</translation>
    </message>
    <message>
        <source>the reply has keys the format does not name</source>
        <translation>回复中含有格式未列出的键</translation>
    </message>
</context>
<context>
    <name>ef::LogDock</name>
    <message>
        <source>Log</source>
        <translation>日志</translation>
    </message>
</context>
<context>
    <name>ef::MainWindow</name>
    <message>
        <source>EmbedForge</source>
        <translation>EmbedForge</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>工作区</translation>
    </message>
    <message>
        <source>No workspace</source>
        <translation>未打开工作区</translation>
    </message>
    <message>
        <source>Device: probing…</source>
        <translation>设备：检测中…</translation>
    </message>
    <message>
        <source>Job &apos;%1&apos; %2</source>
        <translation>任务“%1”%2</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;New Workspace…</source>
        <translation>新建工作区(&amp;N)…</translation>
    </message>
    <message>
        <source>&amp;Open Workspace…</source>
        <translation>打开工作区(&amp;O)…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;Workspace</source>
        <translation>工作区(&amp;W)</translation>
    </message>
    <message>
        <source>&amp;Check Integrity</source>
        <translation>检查完整性(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About EmbedForge</source>
        <translation>关于 EmbedForge(&amp;A)</translation>
    </message>
    <message>
        <source>Opening %1…</source>
        <translation>正在打开 %1…</translation>
    </message>
    <message>
        <source>Cannot open workspace</source>
        <translation>无法打开工作区</translation>
    </message>
    <message>
        <source>Workspace: %1</source>
        <translation>工作区：%1</translation>
    </message>
    <message>
        <source>%1 — EmbedForge</source>
        <translation>%1 — EmbedForge</translation>
    </message>
    <message>
        <source>Opened workspace %1 (schema version %2)</source>
        <translation>已打开工作区 %1（架构版本 %2）</translation>
    </message>
    <message>
        <source>New Workspace</source>
        <translation>新建工作区</translation>
    </message>
    <message>
        <source>EmbedForge workspaces (*.efws)</source>
        <translation>EmbedForge 工作区 (*.efws)</translation>
    </message>
    <message>
        <source>&apos;%1&apos; already exists. Open it instead, or choose another name.</source>
        <translation>“%1”已存在。请直接打开它，或换一个名称。</translation>
    </message>
    <message>
        <source>Open Workspace</source>
        <translation>打开工作区</translation>
    </message>
    <message>
        <source>EmbedForge workspaces (*.efws);;All files (*)</source>
        <translation>EmbedForge 工作区 (*.efws);;所有文件 (*)</translation>
    </message>
    <message>
        <source>LibTorch now uses %1 CPU threads</source>
        <translation>LibTorch 现在使用 %1 个 CPU 线程</translation>
    </message>
    <message>
        <source>About EmbedForge</source>
        <translation>关于 EmbedForge</translation>
    </message>
    <message>
        <source>Device: %1</source>
        <translation>设备：%1</translation>
    </message>
    <message>
        <source>LibTorch %1; CUDA %2</source>
        <translation>LibTorch %1；CUDA %2</translation>
    </message>
    <message>
        <source>available</source>
        <translation>可用</translation>
    </message>
    <message>
        <source>not available</source>
        <translation>不可用</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Generate</source>
        <translation>生成</translation>
    </message>
    <message>
        <source>Dataset</source>
        <translation>数据集</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>检索</translation>
    </message>
    <message>
        <source>Train</source>
        <translation>训练</translation>
    </message>
    <message>
        <source>dishwasher not draining</source>
        <translation>洗碗机不排水</translation>
    </message>
    <message>
        <source>Workspace: %1 (read-only)</source>
        <translation>工作区：%1（只读）</translation>
    </message>
    <message>
        <source>Read-only: %1. Changes cannot be saved.</source>
        <translation>只读：%1。无法保存更改。</translation>
    </message>
    <message>
        <source>%1 (read-only) — EmbedForge</source>
        <translation>%1（只读）— EmbedForge</translation>
    </message>
    <message>
        <source>Quit EmbedForge?</source>
        <translation>退出 EmbedForge？</translation>
    </message>
    <message>
        <source>Still running: %1.</source>
        <translation>仍在运行：%1。</translation>
    </message>
    <message>
        <source>Stopping keeps what is done: a generation run can be resumed later (Generate › Resume), a training run continues from its last checkpoint (Train › Resume).</source>
        <translation>停止会保留已完成的部分：生成运行之后可以继续（生成 › 继续），训练运行会从最近的检查点继续（训练 › 继续）。</translation>
    </message>
    <message>
        <source>Stop and quit</source>
        <translation>停止并退出</translation>
    </message>
    <message>
        <source>Keep working</source>
        <translation>继续工作</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>转到(&amp;G)</translation>
    </message>
    <message>
        <source>the %1 page</source>
        <translation>“%1”页面</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>save the edited template</source>
        <translation>保存正在编辑的模板</translation>
    </message>
    <message>
        <source>open a workspace</source>
        <translation>打开工作区</translation>
    </message>
    <message>
        <source>this guide</source>
        <translation>本指南</translation>
    </message>
    <message>
        <source>&lt;p&gt;&lt;b&gt;Templates&lt;/b&gt;: the paper&apos;s prompts, versioned; edit them and preview what they render.&lt;br&gt;&lt;b&gt;Generate&lt;/b&gt;: send them to your LLM endpoint; the plan and cost show before Start, and a run resumes where it stopped.&lt;br&gt;&lt;b&gt;Dataset&lt;/b&gt;: inspect, filter and export the examples, and check them for leakage.&lt;br&gt;&lt;b&gt;Train&lt;/b&gt;: fine-tune a decoder with LoRA and a contrastive loss, and watch the loss.&lt;br&gt;&lt;b&gt;Search&lt;/b&gt;: BM25, dense and hybrid retrieval over a corpus, and its evaluation.&lt;/p&gt;&lt;p&gt;Every long action is a job in the Jobs dock, with its progress and a Cancel button. The README has the command-line forms.&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;模板&lt;/b&gt;：论文中的提示词，带版本；可编辑并预览渲染结果。&lt;br&gt;&lt;b&gt;生成&lt;/b&gt;：发送到你的 LLM 端点；开始前显示计划与费用，运行可从中断处继续。&lt;br&gt;&lt;b&gt;数据集&lt;/b&gt;：查看、筛选并导出示例，并检查泄漏。&lt;br&gt;&lt;b&gt;训练&lt;/b&gt;：用 LoRA 与对比损失微调解码器，并观察损失曲线。&lt;br&gt;&lt;b&gt;搜索&lt;/b&gt;：在语料库上进行 BM25、稠密与混合检索及其评估。&lt;/p&gt;&lt;p&gt;每个耗时操作都是“作业”面板中的一个作业，带进度和取消按钮。命令行用法见 README。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;Corpus</source>
        <translation>语料库(&amp;C)</translation>
    </message>
    <message>
        <source>Import &amp;BEIR Folder…</source>
        <translation>导入 BEIR 文件夹(&amp;B)…</translation>
    </message>
    <message>
        <source>Import &amp;JSONL File…</source>
        <translation>导入 JSONL 文件(&amp;J)…</translation>
    </message>
    <message>
        <source>Import &amp;Folder of Text Files…</source>
        <translation>导入文本文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Rename Corpus…</source>
        <translation>重命名语料库(&amp;R)…</translation>
    </message>
    <message>
        <source>Rename Corpus</source>
        <translation>重命名语料库</translation>
    </message>
    <message>
        <source>Corpus:</source>
        <translation>语料库：</translation>
    </message>
    <message>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <source>Cannot rename the corpus</source>
        <translation>无法重命名语料库</translation>
    </message>
    <message>
        <source>&amp;Delete Corpus…</source>
        <translation>删除语料库(&amp;D)…</translation>
    </message>
    <message>
        <source>Delete Corpus</source>
        <translation>删除语料库</translation>
    </message>
    <message>
        <source>Import JSONL File</source>
        <translation>导入 JSONL 文件</translation>
    </message>
    <message>
        <source>JSON Lines (*.jsonl)</source>
        <translation>JSON Lines (*.jsonl)</translation>
    </message>
    <message>
        <source>Import BEIR Folder</source>
        <translation>导入 BEIR 文件夹</translation>
    </message>
    <message>
        <source>Import Folder of Text Files</source>
        <translation>导入文本文件夹</translation>
    </message>
    <message>
        <source>Import Corpus</source>
        <translation>导入语料库</translation>
    </message>
    <message>
        <source>Name of the corpus:</source>
        <translation>语料库名称：</translation>
    </message>
    <message>
        <source>Corpus import skipped &apos;%1&apos;: %2</source>
        <translation>语料库导入跳过了“%1”：%2</translation>
    </message>
    <message>
        <source>Imported corpus &apos;%1&apos;: %2 documents, %3 queries, %4 qrels</source>
        <translation>已导入语料库“%1”：%2 个文档，%3 个查询，%4 条 qrels</translation>
    </message>
    <message>
        <source>Delete the corpus &apos;%1&apos; with its documents, queries, qrels, vectors and evaluations?</source>
        <translation>删除语料库“%1”及其文档、查询、qrels、向量和评估结果？</translation>
    </message>
    <message>
        <source>This cannot be undone. The files it was imported from are not touched.</source>
        <translation>此操作无法撤销。导入时所用的文件不会被改动。</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <source>Cu&amp;t</source>
        <translation>剪切(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Paste</source>
        <translation>粘贴(&amp;P)</translation>
    </message>
    <message>
        <source>Select &amp;All</source>
        <translation>全选(&amp;A)</translation>
    </message>
    <message>
        <source>The corpus &apos;%1&apos; could not be renamed to &apos;%2&apos;.</source>
        <translation>无法将语料库“%1”重命名为“%2”。</translation>
    </message>
    <message>
        <source>EmbedForge could not open the workspace &apos;%1&apos;. Nothing was changed.</source>
        <translation>EmbedForge 无法打开工作区“%1”。没有任何更改。</translation>
    </message>
    <message>
        <source>The compute device has not been probed yet.</source>
        <translation>尚未探测计算设备。</translation>
    </message>
    <message>
        <source>Compute: %1. Training and embedding run on the GPU.</source>
        <translation>计算：%1。训练和嵌入在 GPU 上运行。</translation>
    </message>
    <message>
        <source>Compute: %1. CUDA support is built in, but no usable GPU was found (%2).</source>
        <translation>计算：%1。已内置 CUDA 支持，但未找到可用的 GPU（%2）。</translation>
    </message>
    <message>
        <source>Compute: %1. This build has no CUDA support.</source>
        <translation>计算：%1。此构建不支持 CUDA。</translation>
    </message>
    <message>
        <source>Training and embedding run on the CPU, which suits tiny and small models: a 7B model needs a GPU.</source>
        <translation>训练和嵌入在 CPU 上运行，只适合微型和小型模型：7B 模型需要 GPU。</translation>
    </message>
    <message>
        <source>&lt;h3&gt;EmbedForge %1&lt;/h3&gt;&lt;p&gt;A research workbench that turns an LLM into a text-embedding trainer: curate prompt templates, generate multilingual synthetic data with the LLM endpoint you configure, inspect it, fine-tune a decoder LLM (Mistral, Llama or Qwen2 layout) with LoRA and a contrastive loss, and search and evaluate corpora stored in SQLite.&lt;/p&gt;&lt;p&gt;Implements Wang et al., &lt;i&gt;Improving Text Embeddings with Large Language Models&lt;/i&gt; (2024).&lt;/p&gt;</source>
        <translation>&lt;h3&gt;EmbedForge %1&lt;/h3&gt;&lt;p&gt;把大语言模型变成文本嵌入训练器的研究工作台：整理提示词模板，用你配置的 LLM 端点生成多语言合成数据并检查，用 LoRA 和对比损失微调解码器 LLM（Mistral、Llama 或 Qwen2 结构），并对存储在 SQLite 中的语料库进行检索和评测。&lt;/p&gt;&lt;p&gt;实现了 Wang 等人的 &lt;i&gt;Improving Text Embeddings with Large Language Models&lt;/i&gt;（2024）。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;It downloads no model or dataset: models are folders you provide. The only network traffic is to the LLM endpoint set in Settings.&lt;/p&gt;</source>
        <translation>&lt;p&gt;它不下载任何模型或数据集：模型是你提供的文件夹。唯一的网络流量是发往“设置”中配置的 LLM 端点。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&lt;p&gt;This build: LibTorch %1 · Qt %2 · SQLite %3. Licensed under the GPL, version 3 or later.&lt;/p&gt;</source>
        <translation>&lt;p&gt;此构建：LibTorch %1 · Qt %2 · SQLite %3。按 GPL 第 3 版或更高版本授权。&lt;/p&gt;</translation>
    </message>
    <message>
        <source>(not probed yet)</source>
        <translation>（尚未探测）</translation>
    </message>
    <message>
        <source>Job &apos;%1&apos; %2: %3</source>
        <translation>任务“%1”%2：%3</translation>
    </message>
    <message>
        <source>&amp;User Guide and Shortcuts</source>
        <translation>用户指南和快捷键(&amp;U)</translation>
    </message>
    <message>
        <source>EmbedForge User Guide</source>
        <translation>EmbedForge 用户指南</translation>
    </message>
</context>
<context>
    <name>ef::Retrieval</name>
    <message>
        <source>Embed %1 with %2</source>
        <translation>用 %2 嵌入 %1</translation>
    </message>
    <message>
        <source>Evaluate %1 on %2 (%3)</source>
        <translation>在 %2（%3）上评测 %1</translation>
    </message>
    <message>
        <source>Search %1</source>
        <translation>检索 %1</translation>
    </message>
    <message>
        <source>cannot write the run file &apos;%1&apos;: %2</source>
        <translation>无法写入运行文件“%1”：%2</translation>
    </message>
    <message>
        <source>the depth must be 1 to 100000, not %1</source>
        <translation>深度必须在 1 到 100000 之间，而不是 %1</translation>
    </message>
    <message>
        <source>%1:%2: %3</source>
        <translation>%1:%2：%3</translation>
    </message>
    <message>
        <source>expected 6 columns (qid Q0 docid rank score tag), found %1</source>
        <translation>应有 6 列（qid Q0 docid rank score tag），实际为 %1 列</translation>
    </message>
    <message>
        <source>the score &apos;%1&apos; is not a finite number</source>
        <translation>分数“%1”不是有限数</translation>
    </message>
    <message>
        <source>query &apos;%1&apos; appears again after other queries; a run file is grouped by query (sort -s -k1,1 groups it)</source>
        <translation>查询“%1”在其他查询之后再次出现；运行文件须按查询分组（可用 sort -s -k1,1 分组）</translation>
    </message>
    <message>
        <source>document &apos;%1&apos; is listed twice for query &apos;%2&apos; (first at line %3)</source>
        <translation>文档“%1”在查询“%2”中出现两次（首次在第 %3 行）</translation>
    </message>
    <message>
        <source>query &apos;%1&apos; has more than %2 documents</source>
        <translation>查询“%1”的文档超过 %2 个</translation>
    </message>
    <message>
        <source>unknown instruction preset &apos;%1&apos; (one of: %2)</source>
        <translation>未知的指令预设“%1”（可选：%2）</translation>
    </message>
    <message>
        <source>Import corpus %1 from %2</source>
        <translation>从 %2 导入语料库 %1</translation>
    </message>
    <message>
        <source>corpus &apos;%1&apos; has no document &apos;%2&apos;</source>
        <translation>语料库“%1”中没有文档“%2”</translation>
    </message>
</context>
<context>
    <name>ef::Sampler</name>
    <message>
        <source>unknown language &apos;%1&apos; (use a code of the XLM-R table, e.g. de, zh)</source>
        <translation>未知语言“%1”（请使用 XLM-R 语言表中的代码，如 de、zh）</translation>
    </message>
    <message>
        <source>unknown language &apos;%1&apos; in the weights</source>
        <translation>权重中有未知语言“%1”</translation>
    </message>
    <message>
        <source>the weight of &apos;%1&apos; must be zero or more</source>
        <translation>“%1”的权重必须大于等于零</translation>
    </message>
    <message>
        <source>unknown language weighting &apos;%1&apos; (ose, uniform or size)</source>
        <translation>未知的语言权重方案“%1”（ose、uniform 或 size）</translation>
    </message>
    <message>
        <source>the language weights add up to zero</source>
        <translation>语言权重之和为零</translation>
    </message>
</context>
<context>
    <name>ef::SearchPage</name>
    <message>
        <source>Type a query: results update as you type</source>
        <translation>输入查询：结果随输入实时更新</translation>
    </message>
    <message>
        <source>Queries of this corpus…</source>
        <translation>此语料库的查询…</translation>
    </message>
    <message>
        <source>Corpus:</source>
        <translation>语料库：</translation>
    </message>
    <message>
        <source>Query</source>
        <translation>查询</translation>
    </message>
    <message>
        <source>nDCG@10</source>
        <translation>nDCG@10</translation>
    </message>
    <message>
        <source>Recall@100</source>
        <translation>Recall@100</translation>
    </message>
    <message>
        <source>MRR@10</source>
        <translation>MRR@10</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>检索</translation>
    </message>
    <message>
        <source>%1 (%2 documents)</source>
        <translation>%1（%2 篇文档）</translation>
    </message>
    <message>
        <source>relevant (%1)</source>
        <translation>相关（%1）</translation>
    </message>
    <message>
        <source>not judged relevant</source>
        <translation>未标注为相关</translation>
    </message>
    <message>
        <source>(untitled)</source>
        <translation>（无标题）</translation>
    </message>
    <message>
        <source>No results.</source>
        <translation>没有结果。</translation>
    </message>
    <message>
        <source>Corpus &apos;%1&apos; has no qrels to evaluate against.</source>
        <translation>语料库“%1”没有可用于评估的相关性标注。</translation>
    </message>
    <message>
        <source>BM25</source>
        <translation>BM25</translation>
    </message>
    <message>
        <source>Dense</source>
        <translation>稠密</translation>
    </message>
    <message>
        <source>Hybrid (RRF)</source>
        <translation>混合（RRF）</translation>
    </message>
    <message>
        <source>Side by side</source>
        <translation>并排对比</translation>
    </message>
    <message>
        <source>Evaluate</source>
        <translation>评测</translation>
    </message>
    <message>
        <source>Query instruction for dense search (documents never get one)</source>
        <translation>稠密检索的查询指令（文档从不加指令）</translation>
    </message>
    <message>
        <source>Presets (paper, Table 15)…</source>
        <translation>预设（论文表 15）…</translation>
    </message>
    <message>
        <source>The evaluation instructions of Wang et al. (2024); the query becomes &quot;Instruct: {task}\nQuery: {query}&quot;</source>
        <translation>Wang 等（2024）的评测指令；查询格式为 &quot;Instruct: {task}\nQuery: {query}&quot;</translation>
    </message>
    <message>
        <source>Instruction:</source>
        <translation>指令：</translation>
    </message>
    <message>
        <source>Model folder (Hugging Face layout)</source>
        <translation>模型文件夹（Hugging Face 布局）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Embed corpus</source>
        <translation>嵌入语料库</translation>
    </message>
    <message>
        <source>Embed every document of the corpus with this model (a job; resumes where it stopped)</source>
        <translation>用此模型嵌入语料库的全部文档（作为任务运行；可从中断处继续）</translation>
    </message>
    <message>
        <source>Method:</source>
        <translation>方法：</translation>
    </message>
    <message>
        <source>Compare with:</source>
        <translation>对比：</translation>
    </message>
    <message>
        <source>Choose a model folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <source>Choose a model folder for %1 search.</source>
        <translation>请为 %1 检索选择模型文件夹。</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>正在检索…</translation>
    </message>
    <message>
        <source>%1: %2 results in %3 ms</source>
        <translation>%1：%2 条结果，用时 %3 毫秒</translation>
    </message>
    <message>
        <source>new</source>
        <translation>新</translation>
    </message>
    <message>
        <source>Choose a corpus and a model folder first.</source>
        <translation>请先选择语料库和模型文件夹。</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>Evaluate %1 on %2 (%3)</source>
        <translation>在 %2（%3）上评测 %1</translation>
    </message>
    <message>
        <source> vs </source>
        <translation> 对比 </translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;: nDCG@10 %2 · Recall@100 %3 · MRR@10 %4 · MAP@10 %5 (%6 queries, split %7)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;：nDCG@10 %2 · Recall@100 %3 · MRR@10 %4 · MAP@10 %5（%6 个查询，划分 %7）</translation>
    </message>
    <message>
        <source>nDCG@10 (left)</source>
        <translation>nDCG@10（左）</translation>
    </message>
    <message>
        <source>nDCG@10 (right)</source>
        <translation>nDCG@10（右）</translation>
    </message>
    <message>
        <source>Δ nDCG@10</source>
        <translation>Δ nDCG@10</translation>
    </message>
    <message>
        <source>Δ MRR@10</source>
        <translation>Δ MRR@10</translation>
    </message>
    <message>
        <source>LoRA adapter folder (optional)</source>
        <translation>LoRA 适配器文件夹（可选）</translation>
    </message>
    <message>
        <source>A PEFT adapter (a training run&apos;s export) applied to the model, to compare a fine-tuned model with its base side by side</source>
        <translation>应用到模型上的 PEFT 适配器（训练运行的导出结果），用于将微调后的模型与其基础模型并排比较</translation>
    </message>
    <message>
        <source>%1 · %2 + %3</source>
        <translation>%1 · %2 + %3</translation>
    </message>
    <message>
        <source>Stale: the corpus, method, model or instruction changed since this evaluation; press Evaluate for figures that match.</source>
        <translation>已过期：评估之后语料库、方法、模型或指令已改变；请再次点击“评估”以得到相符的数字。</translation>
    </message>
    <message>
        <source>&lt;small&gt;BEIR&apos;s conventions: every query of the qrels, self hits ignored, depth %1, ties in trec_eval&apos;s order.&lt;/small&gt;</source>
        <translation>&lt;small&gt;BEIR 的约定：qrels 中的每个查询，忽略自身命中，深度 %1，并列按 trec_eval 的顺序。&lt;/small&gt;</translation>
    </message>
    <message>
        <source>Query %1 — click to search it on both sides</source>
        <translation>查询 %1 — 点击即在两侧检索它</translation>
    </message>
    <message>
        <source>This corpus has no vectors for this model yet: press Embed corpus (a job that resumes where it stopped).</source>
        <translation>此语料库还没有该模型的向量：请点击“嵌入语料库”（一个可从中断处继续的任务）。</translation>
    </message>
    <message>
        <source>Click a result&apos;s title to read the whole document and its judgements</source>
        <translation>单击结果的标题即可阅读完整文档及其相关性判断</translation>
    </message>
    <message>
        <source>&lt;p&gt;This workspace has no corpus yet. Import one with &lt;b&gt;Corpus › Import…&lt;/b&gt; (a BEIR folder, a JSONL file or a folder of text files).&lt;/p&gt;</source>
        <translation>&lt;p&gt;此工作区还没有语料库。请用&lt;b&gt;语料库 › 导入…&lt;/b&gt;导入一个（BEIR 文件夹、JSONL 文件或文本文件文件夹）。&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>ef::SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>LLM endpoints</source>
        <translation>大模型端点</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>基础 URL</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>API key variable</source>
        <translation>API 密钥环境变量</translation>
    </message>
    <message>
        <source>OpenAI-compatible endpoints (OpenAI, Azure OpenAI, vLLM, llama.cpp, Ollama). API keys are read from the named environment variable and never stored.</source>
        <translation>兼容 OpenAI 的端点（OpenAI、Azure OpenAI、vLLM、llama.cpp、Ollama）。API 密钥从指定的环境变量读取，绝不保存。</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>New endpoint</source>
        <translation>新端点</translation>
    </message>
    <message>
        <source>Compute</source>
        <translation>计算</translation>
    </message>
    <message>
        <source>Automatic (CUDA when available)</source>
        <translation>自动（有 CUDA 时使用 CUDA）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA</source>
        <translation>CUDA</translation>
    </message>
    <message>
        <source>CUDA (not available)</source>
        <translation>CUDA（不可用）</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>CPU threads:</source>
        <translation>CPU 线程数：</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>界面</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>系统语言</translation>
    </message>
    <message>
        <source>Language (after restart):</source>
        <translation>语言（重启后生效）：</translation>
    </message>
    <message>
        <source>Endpoint %1 has no name.</source>
        <translation>端点 %1 没有名称。</translation>
    </message>
    <message>
        <source>Two endpoints are named &apos;%1&apos;.</source>
        <translation>有两个端点都叫“%1”。</translation>
    </message>
    <message>
        <source>Endpoint &apos;%1&apos;: &apos;%2&apos; is not an http(s) URL.</source>
        <translation>端点“%1”：“%2”不是 http(s) URL。</translation>
    </message>
    <message>
        <source>Endpoint &apos;%1&apos;: &apos;%2&apos; is not an environment variable name.</source>
        <translation>端点“%1”：“%2”不是合法的环境变量名。</translation>
    </message>
    <message>
        <source>Ask for a JSON object (response_format)</source>
        <translation>要求返回 JSON 对象（response_format）</translation>
    </message>
    <message>
        <source>Selected endpoint</source>
        <translation>所选端点</translation>
    </message>
    <message>
        <source>OpenAI-compatible</source>
        <translation>兼容 OpenAI</translation>
    </message>
    <message>
        <source>Azure OpenAI</source>
        <translation>Azure OpenAI</translation>
    </message>
    <message>
        <source>Azure deployment name</source>
        <translation>Azure 部署名称</translation>
    </message>
    <message>
        <source>not sent</source>
        <translation>不发送</translation>
    </message>
    <message>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <source>api-version:</source>
        <translation>api-version：</translation>
    </message>
    <message>
        <source>Protocol:</source>
        <translation>协议：</translation>
    </message>
    <message>
        <source>temperature</source>
        <translation>temperature</translation>
    </message>
    <message>
        <source>top_p</source>
        <translation>top_p</translation>
    </message>
    <message>
        <source>max_tokens</source>
        <translation>max_tokens</translation>
    </message>
    <message>
        <source>Sampling:</source>
        <translation>采样：</translation>
    </message>
    <message>
        <source>timeout</source>
        <translation>超时</translation>
    </message>
    <message>
        <source>retries</source>
        <translation>重试次数</translation>
    </message>
    <message>
        <source>Limits:</source>
        <translation>限制：</translation>
    </message>
    <message>
        <source>input</source>
        <translation>输入</translation>
    </message>
    <message>
        <source>output</source>
        <translation>输出</translation>
    </message>
    <message>
        <source>per million tokens</source>
        <translation>每百万词元</translation>
    </message>
    <message>
        <source>Prices:</source>
        <translation>价格：</translation>
    </message>
    <message>
        <source>Endpoint &apos;%1&apos; uses Azure OpenAI but names no deployment.</source>
        <translation>端点“%1”使用 Azure OpenAI，但没有指定部署名称。</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>The currency of the prices (USD, EUR, CNY, ...), shown with cost estimates</source>
        <translation>价格所用的货币（USD、EUR、CNY 等），随费用估算显示</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <source>Send one short request with this profile and show the answer or the error</source>
        <translation>用此配置发送一个简短请求，并显示回复或错误</translation>
    </message>
    <message>
        <source>Select a profile first.</source>
        <translation>请先选择一个配置。</translation>
    </message>
    <message>
        <source>The profile has no base URL.</source>
        <translation>该配置没有基础 URL。</translation>
    </message>
    <message>
        <source>The environment variable %1 is not set, and the key file has no key for this profile: requests would be refused.</source>
        <translation>环境变量 %1 未设置，密钥文件中也没有此配置的密钥：请求会被拒绝。</translation>
    </message>
    <message>
        <source>Sending one short request…</source>
        <translation>正在发送一个简短请求…</translation>
    </message>
    <message>
        <source>It works: the endpoint answered “%1” in %2 ms.</source>
        <translation>连接正常：端点在 %2 毫秒内回复了“%1”。</translation>
    </message>
    <message>
        <source>It failed: %1</source>
        <translation>失败：%1</translation>
    </message>
</context>
<context>
    <name>ef::Templates</name>
    <message>
        <source>unclosed &apos;{&apos; at character %1 (write &apos;{{&apos; for a literal brace)</source>
        <translation>第 %1 个字符处的“{”没有闭合（字面花括号请写作“{{”）</translation>
    </message>
    <message>
        <source>&apos;{%1}&apos; at character %2 is not a placeholder name (letters, digits and &apos;_&apos;; write &apos;{{&apos; and &apos;}}&apos; for literal braces)</source>
        <translation>第 %2 个字符处的“{%1}”不是合法的占位符名称（只能包含字母、数字和“_”；字面花括号请写作“{{”和“}}”）</translation>
    </message>
    <message>
        <source>unmatched &apos;}&apos; at character %1 (write &apos;}}&apos; for a literal brace)</source>
        <translation>第 %1 个字符处的“}”没有匹配（字面花括号请写作“}}”）</translation>
    </message>
    <message>
        <source>a template needs a non-empty string &quot;id&quot;</source>
        <translation>模板需要一个非空字符串“id”</translation>
    </message>
    <message>
        <source>template &apos;%1&apos;: &quot;text&quot; must be a string</source>
        <translation>模板“%1”：“text”必须是字符串</translation>
    </message>
    <message>
        <source>template &apos;%1&apos;: &quot;value_sets&quot; must be an object of string lists</source>
        <translation>模板“%1”：“value_sets”必须是由字符串列表组成的对象</translation>
    </message>
    <message>
        <source>template &apos;%1&apos;: value set &apos;%2&apos; must be a list</source>
        <translation>模板“%1”：取值集合“%2”必须是列表</translation>
    </message>
    <message>
        <source>template &apos;%1&apos;: value set &apos;%2&apos; may hold only strings and numbers</source>
        <translation>模板“%1”：取值集合“%2”只能包含字符串和数字</translation>
    </message>
    <message>
        <source>no value for placeholder(s): %1</source>
        <translation>以下占位符没有取值：%1</translation>
    </message>
    <message>
        <source>unknown task family &apos;%1&apos; (expected one of %2)</source>
        <translation>未知的任务族“%1”（应为 %2 之一）</translation>
    </message>
    <message>
        <source>unknown step &apos;%1&apos; (expected &apos;brainstorm&apos; or &apos;generate&apos;)</source>
        <translation>未知步骤“%1”（应为“brainstorm”或“generate”）</translation>
    </message>
    <message>
        <source>family &apos;%1&apos; is symmetric and has no brainstorm step</source>
        <translation>任务族“%1”是对称任务，没有头脑风暴步骤</translation>
    </message>
    <message>
        <source>the prompt text is empty</source>
        <translation>提示词文本为空</translation>
    </message>
    <message>
        <source>placeholder {%1} has an empty value set</source>
        <translation>占位符 {%1} 的取值集合为空</translation>
    </message>
    <message>
        <source>placeholder {task} is only available in the generate step of an asymmetric family</source>
        <translation>占位符 {task} 只能用于非对称任务族的生成步骤</translation>
    </message>
    <message>
        <source>unknown placeholder {%1}: it has no value set and is not one of %2</source>
        <translation>未知占位符 {%1}：它没有取值集合，也不属于 %2</translation>
    </message>
    <message>
        <source>{%1} is filled automatically and cannot have a value set</source>
        <translation>{%1} 会被自动填充，不能设置取值集合</translation>
    </message>
    <message>
        <source>value set name &apos;%1&apos; is not a placeholder name</source>
        <translation>取值集合名称“%1”不是合法的占位符名称</translation>
    </message>
    <message>
        <source>value set &apos;%1&apos; is never used in the text</source>
        <translation>取值集合“%1”在文本中从未使用</translation>
    </message>
    <message>
        <source>the generate step does not mention {task}</source>
        <translation>生成步骤没有使用 {task}</translation>
    </message>
    <message>
        <source>the output schema is missing</source>
        <translation>缺少输出模式</translation>
    </message>
    <message>
        <source>a brainstorm step must ask for a list (output type &apos;list&apos;), not &apos;%1&apos;</source>
        <translation>头脑风暴步骤必须要求输出列表（输出类型“list”），而不是“%1”</translation>
    </message>
    <message>
        <source>a generate step must ask for a JSON object (output type &apos;object&apos;), not &apos;%1&apos;</source>
        <translation>生成步骤必须要求输出 JSON 对象（输出类型“object”），而不是“%1”</translation>
    </message>
    <message>
        <source>an output key is empty</source>
        <translation>有一个输出键为空</translation>
    </message>
    <message>
        <source>output key &apos;%1&apos; is listed twice</source>
        <translation>输出键“%1”被列出了两次</translation>
    </message>
    <message>
        <source>the output schema lists no keys</source>
        <translation>输出模式中没有列出任何键</translation>
    </message>
    <message>
        <source>no output key is mapped to the %1</source>
        <translation>没有输出键映射到 %1</translation>
    </message>
    <message>
        <source>the %1 is mapped to &apos;%2&apos;, which is not an output key</source>
        <translation>%1 映射到了“%2”，但它不是输出键</translation>
    </message>
    <message>
        <source>the output schema has no instruction</source>
        <translation>输出模式没有指令</translation>
    </message>
    <message>
        <source>the instruction may use only {task} (asymmetric families), not {%1}</source>
        <translation>指令只能使用 {task}（非对称任务族），不能使用 {%1}</translation>
    </message>
    <message>
        <source>output key &apos;%1&apos; is not named in the prompt text</source>
        <translation>提示词文本中没有提到输出键“%1”</translation>
    </message>
    <message>
        <source>built-in</source>
        <translation>内置</translation>
    </message>
    <message>
        <source>template &apos;%1&apos; has no version %2</source>
        <translation>模板“%1”没有版本 %2</translation>
    </message>
    <message>
        <source>no template &apos;%1&apos; in this workspace</source>
        <translation>此工作区中没有模板“%1”</translation>
    </message>
    <message>
        <source>template &apos;%1&apos; is not valid: %2</source>
        <translation>模板“%1”无效：%2</translation>
    </message>
    <message>
        <source>not valid JSON: %1 at offset %2</source>
        <translation>不是有效的 JSON：在偏移 %2 处 %1</translation>
    </message>
    <message>
        <source>every template must be a JSON object</source>
        <translation>每个模板都必须是 JSON 对象</translation>
    </message>
    <message>
        <source>the file holds no templates</source>
        <translation>文件中没有模板</translation>
    </message>
    <message>
        <source>imported from %1</source>
        <translation>从 %1 导入</translation>
    </message>
    <message>
        <source>%1: template %2: %3</source>
        <translation>%1：模板 %2：%3</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: %2</source>
        <translation>无法写入“%1”：%2</translation>
    </message>
    <message>
        <source>the template id &apos;%1&apos; is not valid: use 1 to 64 letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or digit</source>
        <translation>模板 ID“%1”无效：请使用 1 到 64 个字母、数字、“.”、“_”或“-”，并以字母或数字开头</translation>
    </message>
</context>
<context>
    <name>ef::TemplatesPage</name>
    <message>
        <source>Save version</source>
        <translation>保存版本</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>撤销修改</translation>
    </message>
    <message>
        <source>Templates</source>
        <translation>模板</translation>
    </message>
    <message>
        <source>Import…</source>
        <translation>导入…</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <source>Prompt:</source>
        <translation>提示词：</translation>
    </message>
    <message>
        <source>{name} is filled from a value set (or with the task and language); write {{ and }} for literal braces.</source>
        <translation>{name} 会用取值集合（或任务定义和语言）填充；字面花括号请写作 {{ 和 }}。</translation>
    </message>
    <message>
        <source>Prompt</source>
        <translation>提示词</translation>
    </message>
    <message>
        <source>Placeholder</source>
        <translation>占位符</translation>
    </message>
    <message>
        <source>Values (comma-separated)</source>
        <translation>取值（逗号分隔）</translation>
    </message>
    <message>
        <source>Add value set</source>
        <translation>添加取值集合</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Value sets</source>
        <translation>取值集合</translation>
    </message>
    <message>
        <source>JSON object (one example)</source>
        <translation>JSON 对象（一个样本）</translation>
    </message>
    <message>
        <source>List of task sentences (brainstorm)</source>
        <translation>任务定义列表（头脑风暴）</translation>
    </message>
    <message>
        <source>Output:</source>
        <translation>输出：</translation>
    </message>
    <message>
        <source>Required keys:</source>
        <translation>必需键：</translation>
    </message>
    <message>
        <source>Query from key:</source>
        <translation>查询取自键：</translation>
    </message>
    <message>
        <source>Positive from key:</source>
        <translation>正例取自键：</translation>
    </message>
    <message>
        <source>Hard negative from key:</source>
        <translation>难负例取自键：</translation>
    </message>
    <message>
        <source>Instruction:</source>
        <translation>指令：</translation>
    </message>
    <message>
        <source>Output schema</source>
        <translation>输出模式</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Saved</source>
        <translation>保存时间</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Compare with built-in</source>
        <translation>与内置模板比较</translation>
    </message>
    <message>
        <source>History</source>
        <translation>历史</translation>
    </message>
    <message>
        <source>Sampled language</source>
        <translation>采样语言</translation>
    </message>
    <message>
        <source>Language:</source>
        <translation>语言：</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>种子：</translation>
    </message>
    <message>
        <source>Prompts:</source>
        <translation>提示词数：</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>预览</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>严重程度</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>What changed (optional)</source>
        <translation>修改说明（可选）</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>未保存的修改</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; — %2 · %3 · version %4</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; — %2 · %3 · 版本 %4</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>No problems found.</source>
        <translation>没有发现问题。</translation>
    </message>
    <message>
        <source>── Prompt %1 ──</source>
        <translation>── 提示词 %1 ──</translation>
    </message>
    <message>
        <source>Cannot render: %1</source>
        <translation>无法渲染：%1</translation>
    </message>
    <message>
        <source>Cannot save template</source>
        <translation>无法保存模板</translation>
    </message>
    <message>
        <source>%1 is not a built-in template.</source>
        <translation>%1 不是内置模板。</translation>
    </message>
    <message>
        <source>Built-in → this workspace (with unsaved edits)</source>
        <translation>内置 → 此工作区（含未保存的修改）</translation>
    </message>
    <message>
        <source>Version %1 → current</source>
        <translation>版本 %1 → 当前</translation>
    </message>
    <message>
        <source>No differences.</source>
        <translation>没有差异。</translation>
    </message>
    <message>
        <source>Import templates</source>
        <translation>导入模板</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <source>%1 (version %2)</source>
        <translation>%1（版本 %2）</translation>
    </message>
    <message>
        <source>Imported: %1</source>
        <translation>已导入：%1</translation>
    </message>
    <message>
        <source>Export templates</source>
        <translation>导出模板</translation>
    </message>
    <message>
        <source>Loading the workspace&apos;s tasks…</source>
        <translation>正在载入工作区的任务…</translation>
    </message>
    <message>
        <source>Lenient: accept replies with keys the format does not name</source>
        <translation>宽松：接受含有格式未列出之键的回复</translation>
    </message>
    <message>
        <source>Off (the paper&apos;s rule): a reply with other keys is invalid, reason unexpected_keys.</source>
        <translation>关闭时（论文的规则）：含有其他键的回复无效，原因为 unexpected_keys。</translation>
    </message>
    <message>
        <source>Save a new version (%1)</source>
        <translation>保存新版本（%1）</translation>
    </message>
    <message>
        <source>The template %1 has unsaved changes.</source>
        <translation>模板 %1 有未保存的更改。</translation>
    </message>
    <message>
        <source>The template was not saved; your edits are still in the editor.</source>
        <translation>模板未保存；你的编辑仍在编辑器中。</translation>
    </message>
    <message>
        <source>The templates were not exported.</source>
        <translation>模板未导出。</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>Undo the last change to the value sets (%1 in the table)</source>
        <translation>撤销对取值集的上一次更改（在表格中按 %1）</translation>
    </message>
    <message>
        <source>Redo</source>
        <translation>重做</translation>
    </message>
    <message>
        <source>Redo the change undone last (%1 in the table)</source>
        <translation>重做上一次撤销的更改（在表格中按 %1）</translation>
    </message>
</context>
<context>
    <name>ef::TrainPage</name>
    <message>
        <source>Runs (check one to draw it beside the shown run)</source>
        <translation>运行（勾选一项，与当前显示的运行一同绘制）</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Steps</source>
        <translation>步数</translation>
    </message>
    <message>
        <source>New run</source>
        <translation>新建运行</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Continue the selected run from its newest checkpoint</source>
        <translation>从最新检查点继续所选运行</translation>
    </message>
    <message>
        <source>Save a checkpoint and stop the running run (it can be resumed)</source>
        <translation>保存检查点并停止正在进行的运行（之后可继续）</translation>
    </message>
    <message>
        <source>Write the selected run as a PEFT adapter, a merged model or a sentence-transformers folder; the export is loaded back and checked</source>
        <translation>将所选运行写出为 PEFT 适配器、合并模型或 sentence-transformers 文件夹；导出结果会被重新加载并检查</translation>
    </message>
    <message>
        <source>Demo: train a small model from scratch</source>
        <translation>演示：从零训练一个小模型</translation>
    </message>
    <message>
        <source>Creates a small model with a tokenizer learned from this workspace, trains it on the CPU for a few minutes (the demo corpus&apos;s own queries are kept out of training), and compares retrieval on the demo corpus with its untrained start in the Search page</source>
        <translation>创建一个小模型（分词器从此工作区学习得到），在 CPU 上训练几分钟（演示语料库自身的查询不参与训练），并在“搜索”页面中将其在演示语料库上的检索效果与未训练的初始模型进行比较</translation>
    </message>
    <message>
        <source>Setup</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Curves</source>
        <translation>曲线</translation>
    </message>
    <message>
        <source>%1 synthetic</source>
        <translation>%1 条合成样本</translation>
    </message>
    <message>
        <source>%1 pseudo-queries</source>
        <translation>%1 条伪查询</translation>
    </message>
    <message>
        <source>%1 from %2</source>
        <translation>%1 条来自 %2</translation>
    </message>
    <message>
        <source>%1 examples (%2); about %3 held out for evaluation</source>
        <translation>%1 个样本（%2）；约 %3 个留出用于评估</translation>
    </message>
    <message>
        <source>nothing selected</source>
        <translation>未选择任何内容</translation>
    </message>
    <message>
        <source>%1 kept out because their query is one of the evaluation corpus&apos;s</source>
        <translation>%1 个样本因其查询属于评估语料库而被排除</translation>
    </message>
    <message>
        <source>Base model</source>
        <translation>基础模型</translation>
    </message>
    <message>
        <source>Hugging Face model folder (Llama, Mistral or Qwen2)</source>
        <translation>Hugging Face 模型文件夹（Llama、Mistral 或 Qwen2）</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Folder:</source>
        <translation>文件夹：</translation>
    </message>
    <message>
        <source>LoRA adapters (the paper&apos;s choice)</source>
        <translation>LoRA 适配器（论文采用的方式）</translation>
    </message>
    <message>
        <source>Full fine-tuning (small models, training from scratch)</source>
        <translation>全量微调（适用于小模型、从零训练）</translation>
    </message>
    <message>
        <source>Mode:</source>
        <translation>模式：</translation>
    </message>
    <message>
        <source>Automatic (CUDA when present)</source>
        <translation>自动（有 CUDA 时使用 CUDA）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>CUDA</source>
        <translation>CUDA</translation>
    </message>
    <message>
        <source>Device:</source>
        <translation>设备：</translation>
    </message>
    <message>
        <source>Choose a model folder to see what training it will take.</source>
        <translation>选择模型文件夹，查看训练它所需的资源。</translation>
    </message>
    <message>
        <source>Preflight:</source>
        <translation>预检：</translation>
    </message>
    <message>
        <source>Data</source>
        <translation>数据</translation>
    </message>
    <message>
        <source>The workspace&apos;s valid synthetic examples</source>
        <translation>工作区中有效的合成样本</translation>
    </message>
    <message>
        <source>All families</source>
        <translation>所有类别</translation>
    </message>
    <message>
        <source>All languages</source>
        <translation>所有语言</translation>
    </message>
    <message>
        <source>Filters:</source>
        <translation>筛选：</translation>
    </message>
    <message>
        <source>Imported labelled datasets (embedforge-cli dataset import --jsonl); each keeps its instruction and sampling ratio</source>
        <translation>已导入的标注数据集（embedforge-cli dataset import --jsonl）；各自保留其指令和采样比例</translation>
    </message>
    <message>
        <source>Datasets:</source>
        <translation>数据集：</translation>
    </message>
    <message>
        <source>None (the held-out split only)</source>
        <translation>无（仅使用留出集）</translation>
    </message>
    <message>
        <source>Evaluate on corpus:</source>
        <translation>评估语料库：</translation>
    </message>
    <message>
        <source>Its query instruction:</source>
        <translation>其查询指令：</translation>
    </message>
    <message>
        <source>Keep that corpus&apos;s queries out of training</source>
        <translation>不让该语料库的查询进入训练</translation>
    </message>
    <message>
        <source>Leave out every example whose query is one of the evaluation corpus&apos;s queries</source>
        <translation>排除查询属于评估语料库查询的所有示例</translation>
    </message>
    <message>
        <source>Add pseudo-queries from that corpus&apos;s documents</source>
        <translation>从该语料库的文档生成伪查询</translation>
    </message>
    <message>
        <source>Spans of 3–7 words of each document as its query (its queries and judgements are never used): unsupervised pairs in the manner of contrastive pre-training, which teach a model trained from scratch what the corpus&apos;s words look like</source>
        <translation>以每篇文档中 3–7 个词的片段作为其查询（从不使用其查询和相关性判断）：对比预训练式的无监督样本对，让从零训练的模型认识该语料库的词语</translation>
    </message>
    <message>
        <source>Selected:</source>
        <translation>已选择：</translation>
    </message>
    <message>
        <source>Hyperparameters (pre-filled with the paper&apos;s values)</source>
        <translation>超参数（已预填论文中的取值）</translation>
    </message>
    <message>
        <source>run N</source>
        <translation>运行 N</translation>
    </message>
    <message>
        <source>Optimiser steps; 0 trains one epoch of the data</source>
        <translation>优化器步数；0 表示在数据上训练一轮</translation>
    </message>
    <message>
        <source>Query-positive pairs per step: the contrastive batch (the paper: 2048)</source>
        <translation>每步的查询-正例对数，即对比批次大小（论文：2048）</translation>
    </message>
    <message>
        <source>Sequences per forward pass. Fewer than the batch&apos;s sequences: the gradient cache keeps the whole batch&apos;s negatives with the memory of one micro-batch. 0: off</source>
        <translation>每次前向传播的序列数。若少于批次的序列数，梯度缓存会以一个微批次的内存保留整个批次的负例。0：关闭</translation>
    </message>
    <message>
        <source>Peak learning rate of AdamW</source>
        <translation>AdamW 的峰值学习率</translation>
    </message>
    <message>
        <source>Linear warmup steps, then linear decay to zero</source>
        <translation>线性预热步数，之后线性衰减至零</translation>
    </message>
    <message>
        <source>AdamW weight decay</source>
        <translation>AdamW 权重衰减</translation>
    </message>
    <message>
        <source>Gradient norm clipping; 0: none</source>
        <translation>梯度范数裁剪；0：不裁剪</translation>
    </message>
    <message>
        <source>InfoNCE temperature</source>
        <translation>InfoNCE 温度</translation>
    </message>
    <message>
        <source>Tokens per query or document, the appended EOS included</source>
        <translation>每个查询或文档的 token 数，包括追加的 EOS</translation>
    </message>
    <message>
        <source>Hard negatives per pair, at most</source>
        <translation>每个样本对的困难负例数上限</translation>
    </message>
    <message>
        <source>LoRA rank</source>
        <translation>LoRA 秩</translation>
    </message>
    <message>
        <source>LoRA alpha (the scaling is alpha / rank)</source>
        <translation>LoRA alpha（缩放系数为 alpha / 秩）</translation>
    </message>
    <message>
        <source>LoRA dropout</source>
        <translation>LoRA dropout</translation>
    </message>
    <message>
        <source>Share of the examples held out for evaluation during training</source>
        <translation>训练期间留出用于评估的样本比例</translation>
    </message>
    <message>
        <source>Evaluate every N steps (0: at the end)</source>
        <translation>每 N 步评估一次（0：仅在结束时）</translation>
    </message>
    <message>
        <source>Checkpoint every N steps (0: at the end); Stop saves one too</source>
        <translation>每 N 步保存一次检查点（0：仅在结束时）；停止时也会保存</translation>
    </message>
    <message>
        <source>Seed of the data order, the initialisation and dropout</source>
        <translation>数据顺序、初始化和 dropout 的随机种子</translation>
    </message>
    <message>
        <source>Activation checkpointing</source>
        <translation>激活检查点</translation>
    </message>
    <message>
        <source>Recompute each layer in the backward pass: less memory, about a third more compute</source>
        <translation>在反向传播中重新计算每一层：内存占用更少，计算量约增加三分之一</translation>
    </message>
    <message>
        <source>Symmetric loss (document → query too)</source>
        <translation>对称损失（同时计算文档 → 查询）</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Steps:</source>
        <translation>步数：</translation>
    </message>
    <message>
        <source>Batch:</source>
        <translation>批次：</translation>
    </message>
    <message>
        <source>Micro-batch:</source>
        <translation>微批次：</translation>
    </message>
    <message>
        <source>Learning rate:</source>
        <translation>学习率：</translation>
    </message>
    <message>
        <source>Warmup steps:</source>
        <translation>预热步数：</translation>
    </message>
    <message>
        <source>Weight decay:</source>
        <translation>权重衰减：</translation>
    </message>
    <message>
        <source>Gradient clipping:</source>
        <translation>梯度裁剪：</translation>
    </message>
    <message>
        <source>Temperature:</source>
        <translation>温度：</translation>
    </message>
    <message>
        <source>Max length:</source>
        <translation>最大长度：</translation>
    </message>
    <message>
        <source>Hard negatives:</source>
        <translation>困难负例：</translation>
    </message>
    <message>
        <source>Held-out share:</source>
        <translation>留出比例：</translation>
    </message>
    <message>
        <source>LoRA rank:</source>
        <translation>LoRA 秩：</translation>
    </message>
    <message>
        <source>LoRA alpha:</source>
        <translation>LoRA alpha：</translation>
    </message>
    <message>
        <source>LoRA dropout:</source>
        <translation>LoRA dropout：</translation>
    </message>
    <message>
        <source>Seed:</source>
        <translation>随机种子：</translation>
    </message>
    <message>
        <source>Evaluate every:</source>
        <translation>评估间隔：</translation>
    </message>
    <message>
        <source>Checkpoint every:</source>
        <translation>检查点间隔：</translation>
    </message>
    <message>
        <source>LoRA on:</source>
        <translation>LoRA 应用于：</translation>
    </message>
    <message>
        <source>Load settings…</source>
        <translation>加载设置…</translation>
    </message>
    <message>
        <source>Save settings…</source>
        <translation>保存设置…</translation>
    </message>
    <message>
        <source>The paper&apos;s values</source>
        <translation>论文取值</translation>
    </message>
    <message>
        <source>The settings as JSON: `embedforge-cli train --config FILE` or `embedforge-core train --config FILE` replays them headless, e.g. on a GPU server</source>
        <translation>以 JSON 格式保存的设置：`embedforge-cli train --config FILE` 或 `embedforge-core train --config FILE` 可在无界面环境下重放，例如在 GPU 服务器上</translation>
    </message>
    <message>
        <source>Start training</source>
        <translation>开始训练</translation>
    </message>
    <message>
        <source>Choose a model folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <source>Examples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>Time (s)</source>
        <translation>时间（秒）</translation>
    </message>
    <message>
        <source>Exponential smoothing of the loss (0: none)</source>
        <translation>损失的指数平滑（0：不平滑）</translation>
    </message>
    <message>
        <source>x axis:</source>
        <translation>x 轴：</translation>
    </message>
    <message>
        <source>Smoothing:</source>
        <translation>平滑：</translation>
    </message>
    <message>
        <source>Loss (raw and smoothed; checked runs dashed)</source>
        <translation>损失（原始值与平滑值；勾选的运行以虚线显示）</translation>
    </message>
    <message>
        <source>InfoNCE</source>
        <translation>InfoNCE</translation>
    </message>
    <message>
        <source>Learning rate</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>lr</source>
        <translation>学习率</translation>
    </message>
    <message>
        <source>Gradient norm (before clipping)</source>
        <translation>梯度范数（裁剪前）</translation>
    </message>
    <message>
        <source>norm</source>
        <translation>范数</translation>
    </message>
    <message>
        <source>In-batch accuracy and evaluation (nDCG@10, dots)</source>
        <translation>批内准确率与评估（nDCG@10，圆点）</translation>
    </message>
    <message>
        <source>fraction</source>
        <translation>比例</translation>
    </message>
    <message>
        <source>Check runs in the list to compare their curves and settings with the shown run.</source>
        <translation>在列表中勾选运行，将其曲线和设置与当前显示的运行进行比较。</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>created</source>
        <translation>已创建</translation>
    </message>
    <message>
        <source>interrupted</source>
        <translation>已中断</translation>
    </message>
    <message>
        <source>finished</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>diverged</source>
        <translation>已发散</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>%1 (%2 examples, ratio %3)</source>
        <translation>%1（%2 个样本，比例 %3）</translation>
    </message>
    <message>
        <source>%1 (%2 queries)</source>
        <translation>%1（%2 个查询）</translation>
    </message>
    <message>
        <source>Reading the model folder…</source>
        <translation>正在读取模型文件夹…</translation>
    </message>
    <message>
        <source>Open a workspace first.</source>
        <translation>请先打开一个工作区。</translation>
    </message>
    <message>
        <source>Run %1 is training; stop it first.</source>
        <translation>运行 %1 正在训练；请先停止它。</translation>
    </message>
    <message>
        <source>Preparing the data…</source>
        <translation>正在准备数据…</translation>
    </message>
    <message>
        <source>Cannot start training</source>
        <translation>无法开始训练</translation>
    </message>
    <message>
        <source>Stopping run %1: saving a checkpoint…</source>
        <translation>正在停止运行 %1：正在保存检查点…</translation>
    </message>
    <message>
        <source>Creating the demo model (a tokenizer learned from this workspace&apos;s texts)…</source>
        <translation>正在创建演示模型（分词器从此工作区的文本学习得到）…</translation>
    </message>
    <message>
        <source>%1 (%2), %3 layers, hidden size %4, %5 parameters</source>
        <translation>%1（%2），%3 层，隐藏层大小 %4，%5 个参数</translation>
    </message>
    <message>
        <source>Trains %1 parameters (%2 %)</source>
        <translation>训练 %1 个参数（%2 %）</translation>
    </message>
    <message>
        <source>Memory estimate on %1 (%2): %3 — weights %4, trainable state %5, activations %6, embeddings %7</source>
        <translation>%1（%2）上的内存估算：%3 — 权重 %4，可训练状态 %5，激活 %6，嵌入 %7</translation>
    </message>
    <message>
        <source>EOS (%1) is appended to every text by EmbedForge (the tokenizer does not add it)</source>
        <translation>EmbedForge 会在每段文本末尾追加 EOS（%1）（分词器不会自行添加）</translation>
    </message>
    <message>
        <source>The tokenizer appends EOS (%1) itself; EmbedForge adds no second one</source>
        <translation>分词器会自行追加 EOS（%1）；EmbedForge 不再重复添加</translation>
    </message>
    <message>
        <source>Padding: %1 side; pooling: the last token (EOS), L2-normalised</source>
        <translation>填充：%1 侧；池化：最后一个 token（EOS），L2 归一化</translation>
    </message>
    <message>
        <source>Queries: %1; documents: no instruction</source>
        <translation>查询：%1；文档：无指令</translation>
    </message>
    <message>
        <source>The demo model could not be created: %1</source>
        <translation>无法创建演示模型：%1</translation>
    </message>
    <message>
        <source>Export failed: %1</source>
        <translation>导出失败：%1</translation>
    </message>
    <message>
        <source>Exported to %1 (reloaded and checked: lowest cosine %2 over %3 probe texts)</source>
        <translation>已导出到 %1（已重新加载并检查：%3 条探测文本中最低余弦相似度为 %2）</translation>
    </message>
    <message>
        <source>Run %1 finished: %2</source>
        <translation>运行 %1 已完成：%2</translation>
    </message>
    <message>
        <source>Run %1 %2: %3</source>
        <translation>运行 %1 %2：%3</translation>
    </message>
    <message>
        <source>Demo run %1 finished; exporting it to compare with its untrained start…</source>
        <translation>演示运行 %1 已完成；正在导出，以便与未训练的初始模型比较…</translation>
    </message>
    <message>
        <source>run %1</source>
        <translation>运行 %1</translation>
    </message>
    <message>
        <source>step</source>
        <translation>步</translation>
    </message>
    <message>
        <source>examples</source>
        <translation>样本</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>&lt;b&gt;Run %1 → run %2&lt;/b&gt;: %3</source>
        <translation>&lt;b&gt;运行 %1 → 运行 %2&lt;/b&gt;：%3</translation>
    </message>
    <message>
        <source>the same settings</source>
        <translation>设置相同</translation>
    </message>
    <message>
        <source>Run %1: %2 steps, last loss %3</source>
        <translation>运行 %1：%2 步，最终损失 %3</translation>
    </message>
    <message>
        <source>Run %1: loading the model and the data…</source>
        <translation>运行 %1：正在加载模型和数据…</translation>
    </message>
    <message>
        <source>, about %1 left</source>
        <translation>，剩余约 %1</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分钟</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <source>Run %1: step %2 of %3, loss %4%5</source>
        <translation>运行 %1：第 %2/%3 步，损失 %4%5</translation>
    </message>
    <message>
        <source>Export run %1</source>
        <translation>导出运行 %1</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
    <message>
        <source>Folder to write the export into</source>
        <translation>导出写入的文件夹</translation>
    </message>
    <message>
        <source>Exporting run %1 to %2…</source>
        <translation>正在将运行 %1 导出到 %2…</translation>
    </message>
    <message>
        <source>Load training settings</source>
        <translation>加载训练设置</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
        <source>%1: cannot be read</source>
        <translation>%1：无法读取</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Save training settings</source>
        <translation>保存训练设置</translation>
    </message>
    <message>
        <source>%1: cannot write</source>
        <translation>%1：无法写入</translation>
    </message>
    <message>
        <source>The training positives</source>
        <translation>训练正例</translation>
    </message>
    <message>
        <source>With &quot;Mine negatives&quot; above 0: the documents ranked by the base model for each example that lacks hard negatives (a corpus&apos;s queries and judgements are not used)</source>
        <translation>当“挖掘负例”大于 0 时：为缺少困难负例的每个示例，用基础模型对这些文档排序（不使用语料库的查询和相关性判断）</translation>
    </message>
    <message>
        <source>Mine negatives from:</source>
        <translation>负例挖掘来源：</translation>
    </message>
    <message>
        <source>Before the first step, give each example that has fewer hard negatives this many, mined with the base model (0: off)</source>
        <translation>在第一步之前，为困难负例少于此数的每个示例用基础模型挖掘补足到此数（0：关闭）</translation>
    </message>
    <message>
        <source>Pass over this many best-ranked candidates when mining (likely unlabelled positives)</source>
        <translation>挖掘时跳过排名最靠前的这么多个候选（它们可能是未标注的正例）</translation>
    </message>
    <message>
        <source>Mine negatives:</source>
        <translation>挖掘负例：</translation>
    </message>
    <message>
        <source>Mining skips:</source>
        <translation>挖掘跳过：</translation>
    </message>
    <message>
        <source>Corpus %1 (%2 documents)</source>
        <translation>语料库 %1（%2 篇文档）</translation>
    </message>
</context>
<context>
    <name>ef::Workspace</name>
    <message>
        <source>schema version %1 does not exist (1 to %2)</source>
        <translation>架构版本 %1 不存在（范围 1 到 %2）</translation>
    </message>
    <message>
        <source>cannot create workspace &apos;%1&apos;: the file already exists</source>
        <translation>无法创建工作区“%1”：文件已存在</translation>
    </message>
    <message>
        <source>cannot create workspace &apos;%1&apos;: cannot create its folder</source>
        <translation>无法创建工作区“%1”：无法创建其所在文件夹</translation>
    </message>
    <message>
        <source>cannot create workspace &apos;%1&apos;: %2</source>
        <translation>无法创建工作区“%1”：%2</translation>
    </message>
    <message>
        <source>cannot create the artifacts folder &apos;%1&apos; of workspace &apos;%2&apos;</source>
        <translation>无法创建工作区“%2”的产物文件夹“%1”</translation>
    </message>
    <message>
        <source>cannot migrate workspace &apos;%1&apos; from schema version %2: %3</source>
        <translation>无法从架构版本 %2 迁移工作区“%1”：%3</translation>
    </message>
    <message>
        <source>SQLite format 3</source>
        <translation>SQLite 格式 3</translation>
    </message>
    <message>
        <source>%1 is not an EmbedForge workspace&apos;s 0x45465753</source>
        <translation>%1 不是 EmbedForge 工作区的 0x45465753</translation>
    </message>
    <message>
        <source>version %1 of %2</source>
        <translation>版本 %1（最新 %2）</translation>
    </message>
    <message>
        <source>version %1 is newer than this build (%2)</source>
        <translation>版本 %1 比本程序支持的版本（%2）更新</translation>
    </message>
    <message>
        <source> (migrated when opened)</source>
        <translation>（打开时将迁移）</translation>
    </message>
    <message>
        <source>no violations</source>
        <translation>无违规</translation>
    </message>
    <message>
        <source>%1 rows break a foreign key</source>
        <translation>%1 行违反外键约束</translation>
    </message>
    <message>
        <source>corrupt: %1</source>
        <translation>已损坏：%1</translation>
    </message>
    <message>
        <source>missing folder %1</source>
        <translation>缺少文件夹 %1</translation>
    </message>
    <message>
        <source>cannot open workspace &apos;%1&apos;: the file does not exist</source>
        <translation>无法打开工作区“%1”：文件不存在</translation>
    </message>
    <message>
        <source>cannot open workspace &apos;%1&apos;: it is not a regular file</source>
        <translation>无法打开工作区“%1”：它不是普通文件</translation>
    </message>
    <message>
        <source>cannot open workspace &apos;%1&apos;: %2</source>
        <translation>无法打开工作区“%1”：%2</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an EmbedForge workspace: it is not a SQLite database</source>
        <translation>“%1”不是 EmbedForge 工作区：它不是 SQLite 数据库</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not an EmbedForge workspace: its SQLite application_id is 0x%2, a workspace has 0x%3</source>
        <translation>“%1”不是 EmbedForge 工作区：其 SQLite application_id 为 0x%2，工作区应为 0x%3</translation>
    </message>
    <message>
        <source>&apos;%1&apos; was written by a newer EmbedForge: its schema version is %2 and this build reads up to %3; the file was not changed</source>
        <translation>“%1”由更新版本的 EmbedForge 写入：其架构版本为 %2，本版本最高只能读取 %3；文件未被修改</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a usable workspace: schema version %2 is invalid</source>
        <translation>“%1”不是可用的工作区：架构版本 %2 无效</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is corrupt: PRAGMA quick_check reports: %2</source>
        <translation>“%1”已损坏：PRAGMA quick_check 报告：%2</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is corrupt: %2</source>
        <translation>“%1”已损坏：%2</translation>
    </message>
    <message>
        <source>%1: cannot migrate from schema version %2 to %3: a step is missing</source>
        <translation>%1：无法从架构版本 %2 迁移到 %3：缺少迁移步骤</translation>
    </message>
    <message>
        <source>Check %1</source>
        <translation>检查 %1</translation>
    </message>
    <message>
        <source>the check of &apos;%1&apos; failed</source>
        <translation>“%1”的检查未通过</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>状态良好</translation>
    </message>
    <message>
        <source>The demo workspace %1 was created but its examples could not be loaded: %2</source>
        <translation>演示工作区 %1 已创建，但无法载入其样本：%2</translation>
    </message>
    <message>
        <source>Loaded %1 demo examples into %2</source>
        <translation>已将 %1 个演示样本载入 %2</translation>
    </message>
    <message>
        <source>The demo workspace %1 was created but its corpus could not be loaded: %2</source>
        <translation>演示工作区 %1 已创建，但无法载入其语料库：%2</translation>
    </message>
    <message>
        <source>cannot open workspace &apos;%1&apos;: it has schema version %2 and needs migrating to %3, but %4</source>
        <translation>无法打开工作区“%1”：其结构版本为 %2，需要迁移到 %3，但%4</translation>
    </message>
</context>
<context>
    <name>ef::WorkspacePage</name>
    <message>
        <source>No workspace is open.</source>
        <translation>没有打开的工作区。</translation>
    </message>
    <message>
        <source>Check integrity</source>
        <translation>检查完整性</translation>
    </message>
    <message>
        <source>Open artifacts folder</source>
        <translation>打开产物文件夹</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>表</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>行数</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>完成时间</translation>
    </message>
    <message>
        <source>Job</source>
        <translation>任务</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Workspace</source>
        <translation>工作区</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;Schema version %2 · %3 · created %4 by %5&lt;br&gt;Artifacts: %6</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;架构版本 %2 · %3 · 由 %5 创建于 %4&lt;br&gt;产物：%6</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>This workspace holds</source>
        <translation>此工作区包含</translation>
    </message>
    <message>
        <source>What to do next</source>
        <translation>下一步可以</translation>
    </message>
    <message>
        <source>Preview a template</source>
        <translation>预览模板</translation>
    </message>
    <message>
        <source>Generate examples</source>
        <translation>生成示例</translation>
    </message>
    <message>
        <source>Search the demo corpus</source>
        <translation>检索演示语料库</translation>
    </message>
    <message>
        <source>Train a small demo model</source>
        <translation>训练一个小型演示模型</translation>
    </message>
    <message>
        <source>Inspect storage</source>
        <translation>查看存储</translation>
    </message>
    <message>
        <source>Storage: SQLite tables and their rows</source>
        <translation>存储：SQLite 表及其行数</translation>
    </message>
    <message>
        <source>Latest jobs</source>
        <translation>最近的任务</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; prompt templates&lt;br&gt;&lt;b&gt;%2&lt;/b&gt; valid examples, %3 invalid, %4 duplicates%5&lt;br&gt;&lt;b&gt;%6&lt;/b&gt; corpora%7&lt;br&gt;&lt;b&gt;%8&lt;/b&gt; generation runs (%9 unfinished) · &lt;b&gt;%10&lt;/b&gt; training runs</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; 个提示词模板&lt;br&gt;&lt;b&gt;%2&lt;/b&gt; 个有效示例，%3 个无效，%4 个重复%5&lt;br&gt;&lt;b&gt;%6&lt;/b&gt; 个语料库%7&lt;br&gt;&lt;b&gt;%8&lt;/b&gt; 次生成运行（%9 次未完成）· &lt;b&gt;%10&lt;/b&gt; 次训练运行</translation>
    </message>
    <message>
        <source> · %1 excluded from training</source>
        <translation> · %1 个已从训练中排除</translation>
    </message>
</context>
<context>
    <name>ef::cli</name>
    <message>
        <source>Created workspace %1 (schema version %2)</source>
        <translation>已创建工作区 %1（架构版本 %2）</translation>
    </message>
    <message>
        <source>Artifacts folder: %1</source>
        <translation>产物文件夹：%1</translation>
    </message>
    <message>
        <source>Workspace:      %1</source>
        <translation>工作区：      %1</translation>
    </message>
    <message>
        <source>Schema version: %1 (this build: %2)</source>
        <translation>架构版本：    %1（本程序：%2）</translation>
    </message>
    <message>
        <source>Created:        %1 by %2</source>
        <translation>创建：        %1，由 %2</translation>
    </message>
    <message>
        <source>Size:           %1 bytes (journal %2)</source>
        <translation>大小：        %1 字节（日志模式 %2）</translation>
    </message>
    <message>
        <source>Artifacts:      %1</source>
        <translation>产物：        %1</translation>
    </message>
    <message>
        <source>Tables:</source>
        <translation>表：</translation>
    </message>
    <message>
        <source>checking</source>
        <translation>检查中</translation>
    </message>
    <message>
        <source>Workspace %1 is healthy.</source>
        <translation>工作区 %1 状态良好。</translation>
    </message>
    <message>
        <source>Create a new workspace file and its artifacts folder</source>
        <translation>创建新的工作区文件及其产物文件夹</translation>
    </message>
    <message>
        <source>Show a workspace&apos;s schema, size and tables (read-only)</source>
        <translation>显示工作区的架构、大小和表（只读）</translation>
    </message>
    <message>
        <source>Check a workspace&apos;s integrity (read-only); exit 0 when healthy</source>
        <translation>检查工作区完整性（只读）；状态良好时退出码为 0</translation>
    </message>
    <message>
        <source>--%1 must be an integer from %2 to %3, not &apos;%4&apos;</source>
        <translation>--%1 必须是 %2 到 %3 之间的整数，而不是“%4”</translation>
    </message>
    <message>
        <source>option --%1 needs a value</source>
        <translation>选项 --%1 需要一个值</translation>
    </message>
    <message>
        <source>unknown option &apos;%1&apos;</source>
        <translation>未知选项“%1”</translation>
    </message>
    <message>
        <source>missing argument</source>
        <translation>缺少参数</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation>多余的参数“%1”</translation>
    </message>
    <message>
        <source>Usage: embedforge-cli [--json] [--lang LANG] COMMAND [ARGS...]</source>
        <translation>用法：embedforge-cli [--json] [--lang 语言] 命令 [参数...]</translation>
    </message>
    <message>
        <source>EmbedForge&apos;s headless interface: everything the workbench does, for scripts and servers.</source>
        <translation>EmbedForge 的无界面接口：工作台能做的一切，供脚本和服务器使用。</translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation>命令：</translation>
    </message>
    <message>
        <source>Global options:</source>
        <translation>全局选项：</translation>
    </message>
    <message>
        <source>machine-readable output (one JSON object per line)</source>
        <translation>机器可读输出（每行一个 JSON 对象）</translation>
    </message>
    <message>
        <source>language of messages, e.g. zh_CN</source>
        <translation>消息语言，例如 zh_CN</translation>
    </message>
    <message>
        <source>show this help</source>
        <translation>显示此帮助</translation>
    </message>
    <message>
        <source>show the version</source>
        <translation>显示版本</translation>
    </message>
    <message>
        <source>Exit codes: 0 success, 1 failure, 2 usage error.</source>
        <translation>退出码：0 成功，1 失败，2 用法错误。</translation>
    </message>
    <message>
        <source>unknown command &apos;%1&apos;</source>
        <translation>未知命令“%1”</translation>
    </message>
    <message>
        <source>Run &apos;embedforge-cli --help&apos; for the list of commands.</source>
        <translation>运行“embedforge-cli --help”查看命令列表。</translation>
    </message>
    <message>
        <source>Usage: embedforge-cli %1</source>
        <translation>用法：embedforge-cli %1</translation>
    </message>
    <message>
        <source>&apos;%1&apos; failed the %2 check: %3</source>
        <translation>“%1”未通过 %2 检查：%3</translation>
    </message>
    <message>
        <source>--workspace W is required</source>
        <translation>必须提供 --workspace W</translation>
    </message>
    <message>
        <source>--%1 must be a number, not &apos;%2&apos;</source>
        <translation>--%1 必须是数字，而不是“%2”</translation>
    </message>
    <message>
        <source>--seed must be a non-negative integer, not &apos;%1&apos;</source>
        <translation>--seed 必须是非负整数，而不是“%1”</translation>
    </message>
    <message>
        <source>no endpoint profile named &apos;%1&apos; in the settings</source>
        <translation>设置中没有名为“%1”的端点配置</translation>
    </message>
    <message>
        <source>Template %1 (version %2): %3</source>
        <translation>模板 %1（版本 %2）：%3</translation>
    </message>
    <message>
        <source>Family: %1   Step: %2</source>
        <translation>任务族：%1   步骤：%2</translation>
    </message>
    <message>
        <source>Output keys: %1; query=%2 positive=%3 negative=%4; instruction: %5</source>
        <translation>输出键：%1；query=%2 positive=%3 negative=%4；指令：%5</translation>
    </message>
    <message>
        <source>(none)</source>
        <translation>（无）</translation>
    </message>
    <message>
        <source>Output: %1</source>
        <translation>输出：%1</translation>
    </message>
    <message>
        <source>error: </source>
        <translation>错误：</translation>
    </message>
    <message>
        <source>warning: </source>
        <translation>警告：</translation>
    </message>
    <message>
        <source>No built-in template with this id.</source>
        <translation>没有此编号的内置模板。</translation>
    </message>
    <message>
        <source>Identical to the built-in template.</source>
        <translation>与内置模板完全相同。</translation>
    </message>
    <message>
        <source>changed %1: %2 -&gt; %3</source>
        <translation>已修改 %1：%2 -&gt; %3</translation>
    </message>
    <message>
        <source>no template &apos;%1&apos; in this workspace</source>
        <translation>此工作区中没有模板“%1”</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>no template matches</source>
        <translation>没有匹配的模板</translation>
    </message>
    <message>
        <source>cannot write &apos;%1&apos;: %2</source>
        <translation>无法写入“%1”：%2</translation>
    </message>
    <message>
        <source>Exported %1 template(s) to %2</source>
        <translation>已将 %1 个模板导出到 %2</translation>
    </message>
    <message>
        <source>template &apos;%1&apos; is not valid; nothing was imported</source>
        <translation>模板“%1”无效；未导入任何内容</translation>
    </message>
    <message>
        <source>imported from %1</source>
        <translation>从 %1 导入</translation>
    </message>
    <message>
        <source>%1: version %2</source>
        <translation>%1：版本 %2</translation>
    </message>
    <message>
        <source>--family F is required</source>
        <translation>必须提供 --family F</translation>
    </message>
    <message>
        <source>--call needs --endpoint NAME or --base-url URL --model M</source>
        <translation>--call 需要 --endpoint NAME 或 --base-url URL --model M</translation>
    </message>
    <message>
        <source>--- status: %1</source>
        <translation>--- 状态：%1</translation>
    </message>
    <message>
        <source>error: %1</source>
        <translation>错误：%1</translation>
    </message>
    <message>
        <source>instruction: %1
query: %2
positive: %3
negative: %4</source>
        <translation>指令：%1
查询：%2
正例：%3
难负例：%4</translation>
    </message>
    <message>
        <source>invalid: %1 (%2)
raw: %3</source>
        <translation>无效：%1（%2）
原始回复：%3</translation>
    </message>
    <message>
        <source>generating</source>
        <translation>生成中</translation>
    </message>
    <message>
        <source>valid %1 invalid %2 dup %3 failed %4 %5 req/s</source>
        <translation>有效 %1 无效 %2 重复 %3 失败 %4 %5 请求/秒</translation>
    </message>
    <message>
        <source>Run %1: %2. Requests %3 (done %4, failed %5); examples valid %6, invalid %7, duplicate %8; tokens %9 in / %10 out; cost %11</source>
        <translation>运行 %1：%2。请求 %3（完成 %4，失败 %5）；样本 有效 %6，无效 %7，重复 %8；词元 输入 %9 / 输出 %10；费用 %11</translation>
    </message>
    <message>
        <source>--examples N is required (or --resume)</source>
        <translation>必须提供 --examples N（或 --resume）</translation>
    </message>
    <message>
        <source>an endpoint is required: --endpoint NAME or --base-url URL --model M [--api-key-env VAR]</source>
        <translation>需要指定端点：--endpoint NAME 或 --base-url URL --model M [--api-key-env VAR]</translation>
    </message>
    <message>
        <source>unknown family &apos;%1&apos; (expected %2)</source>
        <translation>未知任务族“%1”（应为 %2）</translation>
    </message>
    <message>
        <source>Started generation run %1</source>
        <translation>已开始生成运行 %1</translation>
    </message>
    <message>
        <source>run %1 %2: requests %3 (pending %4, in flight %5, done %6, failed %7); valid %8, invalid %9, duplicate %10; cost %11</source>
        <translation>运行 %1 %2：请求 %3（待发送 %4，进行中 %5，完成 %6，失败 %7）；有效 %8，无效 %9，重复 %10；费用 %11</translation>
    </message>
    <message>
        <source>valid %1, invalid %2, duplicate %3</source>
        <translation>有效 %1，无效 %2，重复 %3</translation>
    </message>
    <message>
        <source>By family:</source>
        <translation>按任务族：</translation>
    </message>
    <message>
        <source>By language:</source>
        <translation>按语言：</translation>
    </message>
    <message>
        <source>Invalid reasons:</source>
        <translation>无效原因：</translation>
    </message>
    <message>
        <source>--out FILE is required</source>
        <translation>必须提供 --out FILE</translation>
    </message>
    <message>
        <source>--format must be examples or triplets</source>
        <translation>--format 必须是 examples 或 triplets</translation>
    </message>
    <message>
        <source>--validation-fraction must be at least 0 and below 1</source>
        <translation>--validation-fraction 必须大于等于 0 且小于 1</translation>
    </message>
    <message>
        <source>Wrote %1 record(s) to %2</source>
        <translation>已将 %1 条记录写入 %2</translation>
    </message>
    <message>
        <source>Wrote %1 validation record(s) to %2</source>
        <translation>已将 %1 条验证记录写入 %2</translation>
    </message>
    <message>
        <source>Imported %1 example(s)</source>
        <translation>已导入 %1 个样本</translation>
    </message>
    <message>
        <source>List the workspace&apos;s prompt templates (id, family, step, version)</source>
        <translation>列出工作区的提示模板（编号、任务族、步骤、版本）</translation>
    </message>
    <message>
        <source>Show a template, its issues, its diff against the built-in and its versions</source>
        <translation>显示模板、其问题、与内置模板的差异及其版本</translation>
    </message>
    <message>
        <source>Validate templates; exit 1 when any has an error</source>
        <translation>校验模板；任一模板有错误时退出码为 1</translation>
    </message>
    <message>
        <source>Export templates as JSON (all when no ID is given)</source>
        <translation>将模板导出为 JSON（未给出编号时导出全部）</translation>
    </message>
    <message>
        <source>Import templates from JSON; each becomes a new version</source>
        <translation>从 JSON 导入模板；每个模板成为一个新版本</translation>
    </message>
    <message>
        <source>Render K prompts with their sampled values; --call sends them and parses the replies</source>
        <translation>渲染 K 个提示词及其采样值；--call 会发送它们并解析回复</translation>
    </message>
    <message>
        <source>Show generation runs and their counters</source>
        <translation>显示生成运行及其计数</translation>
    </message>
    <message>
        <source>Count examples by status, family, language and invalid reason</source>
        <translation>按状态、任务族、语言和无效原因统计样本</translation>
    </message>
    <message>
        <source>Export valid examples as JSONL, optionally with a seeded validation split</source>
        <translation>将有效样本导出为 JSONL，可按种子划分验证集</translation>
    </message>
    <message>
        <source>--language-weights takes CODE=WEIGHT pairs, e.g. en=0.5,zh=0.2; &apos;%1&apos; is not one</source>
        <translation>--language-weights 需要 代码=权重 形式，例如 en=0.5,zh=0.2；“%1”不符合</translation>
    </message>
    <message>
        <source>--method must be bm25, dense or hybrid, not &apos;%1&apos;</source>
        <translation>--method 必须是 bm25、dense 或 hybrid，而不是“%1”</translation>
    </message>
    <message>
        <source>give exactly one of --beir DIR, --jsonl FILE or --folder DIR</source>
        <translation>请只提供 --beir DIR、--jsonl FILE 或 --folder DIR 中的一个</translation>
    </message>
    <message>
        <source>--name N is required</source>
        <translation>必须提供 --name N</translation>
    </message>
    <message>
        <source>importing</source>
        <translation>导入中</translation>
    </message>
    <message>
        <source>Imported corpus &apos;%1&apos;: %2 documents, %3 queries, %4 qrels (%5)</source>
        <translation>已导入语料库“%1”：%2 篇文档，%3 个查询，%4 条相关性标注（%5）</translation>
    </message>
    <message>
        <source>No corpora in this workspace.</source>
        <translation>此工作区中没有语料库。</translation>
    </message>
    <message>
        <source>--name N and --out DIR are required</source>
        <translation>必须提供 --name N 和 --out DIR</translation>
    </message>
    <message>
        <source>Exported &apos;%1&apos; to %2</source>
        <translation>已将“%1”导出到 %2</translation>
    </message>
    <message>
        <source>No results.</source>
        <translation>没有结果。</translation>
    </message>
    <message>
        <source>evaluating</source>
        <translation>评估中</translation>
    </message>
    <message>
        <source>Import a corpus (BEIR folder, JSONL or a folder of text files) with an FTS5 index</source>
        <translation>导入语料库（BEIR 文件夹、JSONL 或文本文件夹）并建立 FTS5 索引</translation>
    </message>
    <message>
        <source>List the workspace&apos;s corpora</source>
        <translation>列出工作区中的语料库</translation>
    </message>
    <message>
        <source>Export a corpus in BEIR layout</source>
        <translation>以 BEIR 格式导出语料库</translation>
    </message>
    <message>
        <source>--tokenizer FILE is required</source>
        <translation>必须提供 --tokenizer FILE</translation>
    </message>
    <message>
        <source>line %1: not valid JSON: %2</source>
        <translation>第 %1 行：不是有效的 JSON：%2</translation>
    </message>
    <message>
        <source>line %1: expected a JSON string, got %2</source>
        <translation>第 %1 行：应为 JSON 字符串，实际为 %2</translation>
    </message>
    <message>
        <source>line %1: invalid UTF-8 at byte %2</source>
        <translation>第 %1 行：第 %2 字节处的 UTF-8 无效</translation>
    </message>
    <message>
        <source>Tokenize one text per stdin line (a JSON string per line with --jsonl); one JSON object per line out</source>
        <translation>对标准输入的每一行文本分词（使用 --jsonl 时每行一个 JSON 字符串）；每行输出一个 JSON 对象</translation>
    </message>
    <message>
        <source>Family:      %1 (%2)</source>
        <translation>模型族：    %1（%2）</translation>
    </message>
    <message>
        <source>Sizes:       hidden %1, intermediate %2, %3 layers, %4 heads (%5 KV), head dim %6</source>
        <translation>规模：      隐藏层 %1，中间层 %2，%3 层，%4 个注意力头（%5 个 KV 头），头维度 %6</translation>
    </message>
    <message>
        <source>Parameters:  %1 (%2)</source>
        <translation>参数量：    %1（%2）</translation>
    </message>
    <message>
        <source>Vocabulary:  %1; tokenizer %2</source>
        <translation>词表：      %1；分词器 %2</translation>
    </message>
    <message>
        <source>RoPE:        theta %1, scaling %2; context %3</source>
        <translation>RoPE：      theta %1，缩放 %2；上下文 %3</translation>
    </message>
    <message>
        <source>Show a Hugging Face model folder&apos;s family, sizes, parameter count, dtype and tokenizer</source>
        <translation>显示 Hugging Face 模型文件夹的模型族、规模、参数量、数据类型和分词器</translation>
    </message>
    <message>
        <source>--family must be llama, mistral or qwen2, not &apos;%1&apos;</source>
        <translation>--family 必须是 llama、mistral 或 qwen2，而不是“%1”</translation>
    </message>
    <message>
        <source>--out DIR is required</source>
        <translation>必须提供 --out DIR</translation>
    </message>
    <message>
        <source>Wrote a tiny %1 model to %2</source>
        <translation>已将一个微型 %1 模型写入 %2</translation>
    </message>
    <message>
        <source>Write a tiny, complete Hugging Face model folder with seeded random weights (for tests)</source>
        <translation>写出一个完整的微型 Hugging Face 模型文件夹，权重按种子随机生成（用于测试）</translation>
    </message>
    <message>
        <source>--model DIR is required</source>
        <translation>必须给出 --model DIR</translation>
    </message>
    <message>
        <source>--device must be cpu or cuda, not &apos;%1&apos;</source>
        <translation>--device 必须是 cpu 或 cuda，而不是“%1”</translation>
    </message>
    <message>
        <source>--dtype must be f32, bf16 or f16, not &apos;%1&apos;</source>
        <translation>--dtype 必须是 f32、bf16 或 f16，而不是“%1”</translation>
    </message>
    <message>
        <source>--padding-side must be left or right, not &apos;%1&apos;</source>
        <translation>--padding-side 必须是 left 或 right，而不是“%1”</translation>
    </message>
    <message>
        <source>--%1 needs --ids</source>
        <translation>--%1 需要 --ids</translation>
    </message>
    <message>
        <source>--ids runs token ids exactly as given: --instruction and --max-length do not apply</source>
        <translation>--ids 按原样运行词元 ID：--instruction 和 --max-length 不适用</translation>
    </message>
    <message>
        <source>line %1: expected a non-empty JSON array of token ids</source>
        <translation>第 %1 行：应为非空的词元 ID JSON 数组</translation>
    </message>
    <message>
        <source>line %1: token ids must be integers, got %2</source>
        <translation>第 %1 行：词元 ID 必须是整数，得到 %2</translation>
    </message>
    <message>
        <source>line %1: token id %2 is outside the vocabulary (0..%3)</source>
        <translation>第 %1 行：词元 ID %2 超出词表范围（0..%3）</translation>
    </message>
    <message>
        <source>Embedding</source>
        <translation>正在嵌入</translation>
    </message>
    <message>
        <source>Embed one text per stdin line (or, with --ids, one JSON array of token ids per line); one JSON object per line out</source>
        <translation>嵌入标准输入的每行文本（或用 --ids 时每行一个词元 ID 的 JSON 数组）；每行输出一个 JSON 对象</translation>
    </message>
    <message>
        <source>--method %1 needs --model DIR</source>
        <translation>--method %1 需要 --model DIR</translation>
    </message>
    <message>
        <source>--corpus N and --model DIR are required</source>
        <translation>必须给出 --corpus N 和 --model DIR</translation>
    </message>
    <message>
        <source>embedding</source>
        <translation>正在嵌入</translation>
    </message>
    <message>
        <source>Embedded %1 documents of &apos;%2&apos; (%3 already stored); %4 vectors of dimension %5, fingerprint %6</source>
        <translation>已嵌入“%2”的 %1 个文档（%3 个已存储）；共 %4 个 %5 维向量，指纹 %6</translation>
    </message>
    <message>
        <source>Embed a corpus&apos;s documents with a model (resumable; vectors kept per model fingerprint)</source>
        <translation>用模型嵌入语料库的文档（可续传；向量按模型指纹保存）</translation>
    </message>
    <message>
        <source>Search a corpus: BM25 over FTS5 (any query text is safe), dense (exact, embedded vectors) or hybrid (reciprocal-rank fusion)</source>
        <translation>检索语料库：基于 FTS5 的 BM25（任何查询文本都安全）、稠密（精确检索已嵌入的向量）或混合（倒数排名融合）</translation>
    </message>
    <message>
        <source>EmbedForge %1, LibTorch %2</source>
        <translation>EmbedForge %1，LibTorch %2</translation>
    </message>
    <message>
        <source>CUDA: available (runtime %1)</source>
        <translation>CUDA：可用（运行时 %1）</translation>
    </message>
    <message>
        <source>CUDA: not available (%1)</source>
        <translation>CUDA：不可用（%1）</translation>
    </message>
    <message>
        <source>CPU: %1, %2 hardware threads, %3 GiB; LibTorch uses %4 threads</source>
        <translation>CPU：%1，%2 个硬件线程，%3 GiB；LibTorch 使用 %4 个线程</translation>
    </message>
    <message>
        <source>GPU %1: %2, %3 GiB, compute capability %4.%5</source>
        <translation>GPU %1：%2，%3 GiB，计算能力 %4.%5</translation>
    </message>
    <message>
        <source>What this build can do: LibTorch, CUDA, devices and threads</source>
        <translation>本构建的能力：LibTorch、CUDA、设备和线程</translation>
    </message>
    <message>
        <source>%1: out of memory while loading the model</source>
        <translation>%1：加载模型时内存不足</translation>
    </message>
    <message>
        <source>out of memory: an input is too large for this machine</source>
        <translation>内存不足：输入过大，本机无法处理</translation>
    </message>
    <message>
        <source>%1: the tokenizer is too large to load (out of memory)</source>
        <translation>%1：分词器过大，无法加载（内存不足）</translation>
    </message>
    <message>
        <source>the query is longer than %1 bytes; only its first %1 bytes were searched</source>
        <translation>查询超过 %1 字节；只检索了其前 %1 字节</translation>
    </message>
    <message>
        <source>the query has more than %1 terms; BM25 searched its first %1</source>
        <translation>查询包含超过 %1 个词项；BM25 只检索了前 %1 个</translation>
    </message>
    <message>
        <source>warning: %1</source>
        <translation>警告：%1</translation>
    </message>
    <message>
        <source>queries longer than the query limits (%1 bytes, %2 terms), of which BM25 searched only the beginning: %3</source>
        <translation>超出查询限制（%1 字节、%2 个词项）的查询数，BM25 只检索了其开头部分：%3</translation>
    </message>
    <message>
        <source>line %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
    <message>
        <source>give the file with --jsonl or as FILE, not both</source>
        <translation>请通过 --jsonl 或 FILE 指定文件，不能同时使用两者</translation>
    </message>
    <message>
        <source>Import a labelled dataset for training (query/pos/neg, anchor/positive/negative), or demo-content examples</source>
        <translation>导入用于训练的标注数据集（query/pos/neg、anchor/positive/negative），或演示内容样本</translation>
    </message>
    <message>
        <source>--adapter DIR needs --model DIR (the adapter&apos;s base model)</source>
        <translation>--adapter DIR 需要同时提供 --model DIR（适配器的基础模型）</translation>
    </message>
    <message>
        <source>--run/--resume: expected a run number, not &apos;%1&apos;</source>
        <translation>--run/--resume：应为运行编号，而不是 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>train</source>
        <translation>train</translation>
    </message>
    <message>
        <source>--%1 cannot be combined with --resume (the run keeps its own settings)</source>
        <translation>--%1 不能与 --resume 同时使用（运行会保留其自身的设置）</translation>
    </message>
    <message>
        <source>run %1 is %2; there is nothing to resume</source>
        <translation>运行 %1 的状态为 %2；没有可继续的内容</translation>
    </message>
    <message>
        <source>%1: cannot be read</source>
        <translation>%1：无法读取</translation>
    </message>
    <message>
        <source>--model DIR is required (or &quot;model&quot; in --config)</source>
        <translation>必须提供 --model DIR（或在 --config 中指定 &quot;model&quot;）</translation>
    </message>
    <message>
        <source>there is no corpus named &apos;%1&apos;</source>
        <translation>没有名为 &apos;%1&apos; 的语料库</translation>
    </message>
    <message>
        <source>No training runs yet.</source>
        <translation>尚无训练运行。</translation>
    </message>
    <message>
        <source>--run RUN, --format and --out DIR are required</source>
        <translation>必须提供 --run RUN、--format 和 --out DIR</translation>
    </message>
    <message>
        <source>--format: expected peft, merged or sentence-transformers, not &apos;%1&apos;</source>
        <translation>--format：应为 peft、merged 或 sentence-transformers，而不是 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>--name NAME is required with --jsonl</source>
        <translation>使用 --jsonl 时必须提供 --name NAME</translation>
    </message>
    <message>
        <source>--ratio: expected a number, not &apos;%1&apos;</source>
        <translation>--ratio：应为数字，而不是 &apos;%1&apos;</translation>
    </message>
    <message>
        <source>Imported %1 examples as dataset &apos;%2&apos;.</source>
        <translation>已将 %1 个样本导入为数据集 &apos;%2&apos;。</translation>
    </message>
    <message>
        <source>Contrastive fine-tuning (LoRA or full) on the workspace&apos;s examples; one JSON line per step</source>
        <translation>基于工作区样本进行对比微调（LoRA 或全量）；每步输出一行 JSON</translation>
    </message>
    <message>
        <source>List the workspace&apos;s training runs</source>
        <translation>列出工作区的训练运行</translation>
    </message>
    <message>
        <source>Export a run&apos;s newest checkpoint; the export is loaded back and checked</source>
        <translation>导出运行的最新检查点；导出结果会被重新加载并检查</translation>
    </message>
    <message>
        <source>--mine-corpus needs --mine-negatives N (or &quot;mine_negatives&quot; in --config)</source>
        <translation>--mine-corpus 需要 --mine-negatives N（或 --config 中的 &quot;mine_negatives&quot;）</translation>
    </message>
    <message>
        <source>embedforge-cli: corpus import: skipped &apos;%1&apos;: %2</source>
        <translation>embedforge-cli: corpus import: 已跳过“%1”：%2</translation>
    </message>
    <message>
        <source>Skipped %1 files that could not be imported (listed on stderr); --strict makes that an error.</source>
        <translation>跳过了 %1 个无法导入的文件（已在 stderr 列出）；使用 --strict 时将视为错误。</translation>
    </message>
    <message>
        <source>the result was not stored in the workspace: %1</source>
        <translation>结果未保存到工作区：%1</translation>
    </message>
    <message>
        <source>Access:         read-only (%1)</source>
        <translation>访问：          只读（%1）</translation>
    </message>
    <message>
        <source>give --instruction TEXT or --instruction-preset NAME, not both</source>
        <translation>请给出 --instruction TEXT 或 --instruction-preset NAME，不要同时给出</translation>
    </message>
    <message>
        <source>--run FILE evaluates a finished ranking: --%1 does not apply</source>
        <translation>--run FILE 评估现成的排序：--%1 不适用</translation>
    </message>
    <message>
        <source>give --ignore-self or --keep-self, not both</source>
        <translation>请给出 --ignore-self 或 --keep-self，不要同时给出</translation>
    </message>
    <message>
        <source>no query instruction: the paper always instructs queries (--instruction TEXT or --instruction-preset NAME); the figures are not comparable with its tables</source>
        <translation>没有查询指令：论文总是为查询加指令（--instruction TEXT 或 --instruction-preset NAME）；这些数字无法与论文的表格比较</translation>
    </message>
    <message>
        <source>%1 queries of the qrels have no results; they count 0 (trec_eval -c)</source>
        <translation>qrels 中有 %1 个查询没有结果；按 0 计（trec_eval -c）</translation>
    </message>
    <message>
        <source>%1 queries of the run file are not in the qrels of split &apos;%2&apos;; they are left out</source>
        <translation>运行文件中有 %1 个查询不在划分“%2”的 qrels 中；已略去</translation>
    </message>
    <message>
        <source>%1 queries, split %2, %3; depth %4, %5, ties: %6</source>
        <translation>%1 个查询，划分 %2，%3；深度 %4，%5，并列：%6</translation>
    </message>
    <message>
        <source>self hits ignored</source>
        <translation>忽略自身命中</translation>
    </message>
    <message>
        <source>self hits kept</source>
        <translation>保留自身命中</translation>
    </message>
    <message>
        <source>Evaluate retrieval on the corpus&apos;s qrels as BEIR and trec_eval do (every qrels query, self hits ignored, trec_eval&apos;s tie order): nDCG@10, Recall@100, MRR@10, MAP@10; --run evaluates a TREC run file made by any tool</source>
        <translation>按 BEIR 与 trec_eval 的约定在语料库的 qrels 上评估检索（qrels 中的每个查询、忽略自身命中、trec_eval 的并列顺序）：nDCG@10、Recall@100、MRR@10、MAP@10；--run 评估任意工具生成的 TREC 运行文件</translation>
    </message>
    <message>
        <source>%1 example(s) have no hard negative: written with &quot;negative&quot;: null</source>
        <translation>%1 个示例没有难负例：已写为 &quot;negative&quot;: null</translation>
    </message>
    <message>
        <source>Plan: %1 requests; examples per family: %2</source>
        <translation>计划：%1 个请求；各任务族示例数：%2</translation>
    </message>
    <message>
        <source>Expected examples per language: %1</source>
        <translation>各语言预计示例数：%1</translation>
    </message>
    <message>
        <source>Estimated tokens: %1 prompt, %2 completion; estimated cost %3 %4</source>
        <translation>估计词元：提示 %1，补全 %2；估计费用 %3 %4</translation>
    </message>
    <message>
        <source>--budget takes an amount above 0, not &apos;%1&apos;</source>
        <translation>--budget 需要大于 0 的金额，而不是“%1”</translation>
    </message>
    <message>
        <source>--families names &apos;%1&apos; but --family-weights gives it no weight</source>
        <translation>--families 列出了“%1”，但 --family-weights 没有给它权重</translation>
    </message>
    <message>
        <source>Generate synthetic examples with an LLM (the paper&apos;s family mix by default; the plan, tokens and cost are printed first, --estimate prints only them), or resume an unfinished run</source>
        <translation>用 LLM 生成合成示例（默认采用论文中的任务族比例；先打印计划、词元与费用，--estimate 只打印这些），或恢复未完成的运行</translation>
    </message>
    <message>
        <source>--corpus NAME is required</source>
        <translation>需要 --corpus NAME</translation>
    </message>
    <message>
        <source>%1 of %2 examples share a %3-word sequence with corpus &apos;%4&apos; (CJK counted in characters)</source>
        <translation>%2 个示例中有 %1 个与语料库“%4”共有长度为 %3 个词的序列（中日韩文字按字计）</translation>
    </message>
    <message>
        <source>example %1 (%2, %3): its %4 shares &quot;%5&quot; with %6 %7</source>
        <translation>示例 %1（%2，%3）：其 %4 与 %6 %7 共有“%5”</translation>
    </message>
    <message>
        <source>%1 example(s) excluded from training and exports</source>
        <translation>已将 %1 个示例排除在训练和导出之外</translation>
    </message>
    <message>
        <source>Find examples whose query or documents share a long word n-gram with a corpus&apos;s queries or documents (CJK in characters); --exclude leaves them out of training and exports</source>
        <translation>查找查询或文档与语料库的查询或文档共有较长词 n 元组的示例（中日韩文字按字计）；--exclude 将它们排除在训练和导出之外</translation>
    </message>
    <message>
        <source>the environment variable %1 is not set and the key file has no key for &apos;%2&apos;: set it, or give --api-key-env &quot;&quot; for an endpoint that needs no key</source>
        <translation>环境变量 %1 未设置，密钥文件中也没有“%2”的密钥：请设置它；若端点不需要密钥，请给出 --api-key-env &quot;&quot;</translation>
    </message>
</context>
<context>
    <name>ef::gui</name>
    <message>
        <source>EmbedForge: a workbench that turns an LLM into a text-embedding trainer.</source>
        <translation>EmbedForge：把大语言模型变成文本嵌入训练器的工作台。</translation>
    </message>
    <message>
        <source>Interface language, e.g. zh_CN or en.</source>
        <translation>界面语言，例如 zh_CN 或 en。</translation>
    </message>
    <message>
        <source>Open the demo workspace, not the last one.</source>
        <translation>打开演示工作区，而不是上次的工作区。</translation>
    </message>
    <message>
        <source>Workspace file (*.efws) to open.</source>
        <translation>要打开的工作区文件 (*.efws)。</translation>
    </message>
</context>
</TS>
