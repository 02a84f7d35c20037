import { useEffect, useState } from 'react';
import { api } from './api.js';

export interface Province {
  code: string;
  name: string;
}

/** Türkiye's 81 provinces, from the server (one data set for the API and the app). */
export function useProvinces(): Province[] {
  const [provinces, setProvinces] = useState<Province[]>([]);
  useEffect(() => void api<Province[]>('GET', '/api/public/provinces').then(setProvinces), []);
  return provinces;
}
