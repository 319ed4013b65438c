<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
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
        <source>Job &apos;%1&apos; failed: %2</source>
        <translation>任务“%1”失败：%2</translation>
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
        <source>Check %1</source>
        <translation>检查 %1</translation>
    </message>
    <message>
        <source>healthy</source>
        <translation>状态良好</translation>
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
        <source>&lt;h3&gt;EmbedForge %1&lt;/h3&gt;&lt;p&gt;A research workbench that turns an LLM into a text-embedding trainer: curate prompt templates, generate multilingual synthetic data, fine-tune a decoder LLM with LoRA and a contrastive loss, and demo retrieval over SQLite corpora.&lt;/p&gt;&lt;p&gt;Implements Wang et al., &lt;i&gt;Improving Text Embeddings with Large Language Models&lt;/i&gt; (2024).&lt;/p&gt;</source>
        <translation>&lt;h3&gt;EmbedForge %1&lt;/h3&gt;&lt;p&gt;把大语言模型变成文本嵌入训练器的研究工作台：编辑提示模板、生成多语言合成数据、用 LoRA 和对比损失微调解码器大模型，并在 SQLite 语料上演示检索。&lt;/p&gt;&lt;p&gt;实现了 Wang 等人的论文《&lt;i&gt;Improving Text Embeddings with Large Language Models&lt;/i&gt;》（2024）。&lt;/p&gt;</translation>
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
        <source>Contents</source>
        <translation>内容</translation>
    </message>
    <message>
        <source>Job history</source>
        <translation>任务历史</translation>
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
