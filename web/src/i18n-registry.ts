/** Texts of the registry's own duties (issue 14): line closures, and what follows. */
export const registryTr = {
  lineClosures: 'Hat kapatmaları',
  lineClosuresIntro:
    'Operatörlerin bildirdiği kapatılan hatlar. Her kapatma, numaranın bütün markalardaki onaylarını kapanış tarihiyle RET (IYS_AHS_HAT_KAPATMA) yapar; numarayı sonradan alan kişi eski sahibinin onaylarını devralmaz.',
  noLineClosures: 'Henüz hat kapatma bildirimi yok. Operatörler API ile ya da günlük dosyayla bildirir.',
  closureFields: {
    at: 'Alındı',
    operator: 'Operatör',
    kind: 'Yol',
    received: 'Satır',
    new: 'Yeni kapatma',
    failed: 'Hatalı satır',
    applied: 'İşlenen',
    consentsClosed: 'Sona eren onay',
    status: 'Durum',
  },
  closureKinds: { api: 'API', file: 'Dosya' } as Record<string, string>,
  closureStatus: { processing: 'İşleniyor', completed: 'Tamamlandı' } as Record<string, string>,
};

export const registryEn: typeof registryTr = {
  lineClosures: 'Line closures',
  lineClosuresIntro:
    'Closed lines reported by operators. Each closure turns every ONAY of the number, in every brand, into a RET (IYS_AHS_HAT_KAPATMA) dated at the closure, so whoever gets the number next does not inherit its previous owner’s consents.',
  noLineClosures: 'No line closures reported yet. Operators report them by API or as a daily file.',
  closureFields: {
    at: 'Received',
    operator: 'Operator',
    kind: 'Channel',
    received: 'Rows',
    new: 'New closures',
    failed: 'Rows refused',
    applied: 'Applied',
    consentsClosed: 'ONAYs ended',
    status: 'Status',
  },
  closureKinds: { api: 'API', file: 'File' },
  closureStatus: { processing: 'Processing', completed: 'Completed' },
};
