/**
 * Upload by drag and drop (or the file input): the supervisor writes the file to every node and
 * reports each node's progress as `upload` events with the id chosen here.
 */
import { useState } from 'preact/hooks';
import type { UploadAnswer, UploadProgress } from '../../protocol.js';
import type { Api } from '../api.js';
import { formatBytes, formatVersion } from '../format.js';
import { randomId } from '../ids.js';
import { type Lang, t } from '../messages.js';

interface Props {
  lang: Lang;
  api: Api;
  uploads: Record<string, UploadProgress>;
  report: (err: unknown) => void;
}

function percent(bytes: number, size: number): number {
  return size > 0 ? Math.floor((bytes / size) * 100) : 0;
}

export function UploadPanel({ lang, api, uploads, report }: Props) {
  const [current, setCurrent] = useState<{ id: string; name: string; size: number } | null>(null);
  const [result, setResult] = useState<UploadAnswer | null>(null);
  const [over, setOver] = useState(false);

  const send = async (file: File) => {
    const id = randomId('u-');
    setCurrent({ id, name: file.name, size: file.size });
    setResult(null);
    try {
      setResult(await api.upload(file.name, file, id));
    } catch (err) {
      report(err);
    }
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer?.files[0];
    if (file) void send(file);
  };
  const progress = current ? uploads[current.id] : undefined;

  return (
    <div class="upload">
      <section
        class={`drop-zone${over ? ' over' : ''}`}
        aria-label={t(lang, 'dropHere')}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <span>{t(lang, 'dropHere')}</span>{' '}
        <label class="file-button">
          {t(lang, 'chooseFile')}
          <input
            type="file"
            data-testid="upload-input"
            onChange={(e) => {
              const input = e.currentTarget;
              const file = input.files?.[0];
              if (file) void send(file);
              // The same file again must fire `change` again.
              input.value = '';
            }}
          />
        </label>
      </section>
      {current && !result && (
        <div class="upload-progress" data-testid="upload-progress">
          <p>{t(lang, 'uploading', { name: current.name, size: formatBytes(current.size) })}</p>
          {(progress?.nodes ?? []).map((n) => (
            <div class={`bar-row ${n.state}`} key={n.node} data-testid={`upload-${n.node}`}>
              <span class="bar-label">{n.node}</span>
              <progress max={Math.max(1, progress?.size ?? current.size)} value={n.bytes} />
              <span class="bar-state">
                {n.detail ?? t(lang, `upload.${n.state}`)}
                {n.state === 'sending' && ` ${percent(n.bytes, progress?.size ?? current.size)}%`}
              </span>
            </div>
          ))}
        </div>
      )}
      {result && (
        <p class="upload-result" data-testid="upload-result">
          {t(lang, 'uploaded', {
            name: result.name,
            size: formatBytes(result.size),
            version: formatVersion(result.version, new Date().getTimezoneOffset()),
            stored: result.nodes.filter((n) => n.state === 'stored').length,
            total: result.nodes.length,
          })}
          {result.nodes
            .filter((n) => n.state === 'failed')
            .map((n) => ` · ${n.node}: ${n.detail ?? t(lang, 'upload.failed')}`)
            .join('')}
        </p>
      )}
    </div>
  );
}
